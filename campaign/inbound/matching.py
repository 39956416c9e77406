"""From an email back to what we sent: receipts, what they delivered, to which target.

The bridge to ``campaign.mail.receipts`` and ``campaign.targets`` (sending's side): a
receipt is the outbox row of one message to one recipient, with what it delivered (a
letter delivery, a demand packet, a consolidated follow-up) and the target and channel
it went to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.delivery.models import LetterDelivery
from campaign.demands.models import Demand
from campaign.letters.models import Letter
from campaign.mail.models import OutboxMessage
from campaign.mail.receipts import find_by_message_id
from campaign.responses.models import ResponseSource
from campaign.sending.models import AgencyFollowUp, LetterTarget
from campaign.targets.models import Target, TargetBody, TargetChannel
from campaign.targets.services import channel_for_address

# who a reply is from, by the body of the target that sent it
BODY_SOURCE = {
    TargetBody.DHS_SECRETARY: ResponseSource.DHS_SECRETARY,
    TargetBody.ICE: ResponseSource.ICE,
    TargetBody.ERO: ResponseSource.ERO,
    TargetBody.CRCL: ResponseSource.CRCL,
    TargetBody.DHS_OTHER: ResponseSource.DHS,
}


@dataclass
class Delivered:
    """What one receipt delivered, in which campaign, to which target."""

    receipt: OutboxMessage
    campaign_id: int | None
    letter: Letter | None = None
    demand: Demand | None = None
    target: Target | None = None
    note: str = ""


def receipts_for(session: Session, message_ids: Iterable[str]) -> list[OutboxMessage]:
    """The receipts these Message-IDs name, in the order given, each once."""
    found: list[OutboxMessage] = []
    for message_id in message_ids:
        receipt = find_by_message_id(session, message_id)
        if receipt is not None and all(receipt is not r for r in found):
            found.append(receipt)
    return found


def delivered(session: Session, receipt: OutboxMessage) -> Delivered:
    """The letter or demand a receipt delivered, and its target."""
    letter = demand = None
    note = ""
    if receipt.demand_id is not None:
        demand = session.get(Demand, receipt.demand_id)
    elif receipt.letter_delivery_id is not None:
        delivery = session.get(LetterDelivery, receipt.letter_delivery_id)
        letter = session.get(Letter, delivery.letter_id) if delivery else None
    elif receipt.agency_follow_up_id is not None:
        # a follow-up lists every open demand to the agency: the answer is filed under
        # the first still there, and says which others it may answer
        follow_up = session.get(AgencyFollowUp, receipt.agency_follow_up_id)
        ids = [int(i) for i in (follow_up.demand_ids if follow_up else [])]
        demands = [d for d in (session.get(Demand, i) for i in ids) if d is not None]
        demand = demands[0] if demands else None
        if len(demands) > 1:
            others = ", ".join(f"#{d.id}" for d in demands[1:])
            note = f"Answers a follow-up that also listed demands {others}."
    target = session.get(Target, receipt.target_id) if receipt.target_id else None
    owner = letter or demand
    campaign_id = receipt.campaign_id or (owner.campaign_id if owner else None)
    return Delivered(receipt, campaign_id, letter, demand, target, note)


def sender_channel(session: Session, address: str) -> TargetChannel | None:
    """The email channel (its target loaded) the address belongs to, if any."""
    return channel_for_address(session, address)


@dataclass(frozen=True)
class Attribution:
    """Who a reply is from, as a response records it."""

    source: ResponseSource
    agency: Agency | None
    source_body: str
    from_name: str
    from_title: str


def attribute(
    session: Session, target: Target | None, *, known: bool, name: str, address: str
) -> Attribution:
    """The response's sender fields for a reply from ``address`` on behalf of ``target``
    (``known``: the address is one of the target's channels, so the target's own name
    and title are used; otherwise the person as the mail names them)."""
    person = name or address
    if target is None:
        return Attribution(ResponseSource.PERSON, None, "", person, "")
    from_name = target.name if known else person
    from_title = target.title if known else ""
    source = BODY_SOURCE.get(target.body)
    if source is not None:
        return Attribution(source, None, "", from_name, from_title)
    agency = session.get(Agency, target.agency_id) if target.agency_id else None
    if agency is not None:
        return Attribution(ResponseSource.AGENCY, agency, "", from_name, from_title)
    body = target.organization or target.body.label
    return Attribution(ResponseSource.OTHER_BODY, None, body, from_name, from_title)


def addressed(session: Session, target: Target, letter: Letter) -> bool:
    """The letter is addressed to this target (another of its recipients may answer)."""
    return session.get(LetterTarget, (letter.id, target.id)) is not None


def belongs_to(target: Target, demand: Demand | None) -> bool:
    """A target a demand could be answered by: its agency's, or a DHS office."""
    if target.body in BODY_SOURCE:
        return True
    return demand is not None and target.agency_id == demand.agency_id
