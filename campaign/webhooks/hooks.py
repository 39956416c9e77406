"""Where events happen: receivers of the lower features' signals, connected in
``campaign.create_app``. Each asks first whether anyone listens (one query), and only then
builds the payloads: nothing is built for a campaign without subscriptions."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.api import extensions, representations
from campaign.demands.models import Demand
from campaign.letters.embargo import is_embargoed
from campaign.letters.models import Letter, LetterStatus
from campaign.responses.models import Response
from campaign.signons.models import COUNTED, SignOn, SignOnStatus
from campaign.webhooks.events import enqueue, links_for_payloads, listeners


def _campaign_of(session: Session, letter_id: int) -> int:
    return session.scalar(sa.select(Letter.campaign_id).where(Letter.id == letter_id))


def _signatures(session: Session, campaign_id: int, event: str, signons: Sequence[SignOn]) -> None:
    subscribers = listeners(session, campaign_id, event)
    if not subscribers or not signons:
        return
    if is_embargoed(session, signons[0].letter_id):
        # held back: a subscriber may be a partner's system, and whether an organization
        # is on an embargoed letter is nobody's outside the staff before release
        # (``on_letter_released`` sends them then)
        return
    # subscriptions are a coordinator's: their payloads carry the signer's email, as a
    # coordinator's API token reads it
    docs = representations.signatures(session, signons, links_for_payloads(), contacts=True)
    enqueue(session, subscribers, event, "osdi:signature", docs)


def on_signon_confirmed(session: Session, *, signon: SignOn, letter: Letter, **_: object) -> None:
    """signature.confirmed (and signature.approved when the letter approves at once)."""
    _signatures(session, letter.campaign_id, "signature.confirmed", [signon])
    if signon.status == SignOnStatus.APPROVED:
        _signatures(session, letter.campaign_id, "signature.approved", [signon])


_REVIEWED = {
    SignOnStatus.APPROVED: "signature.approved",
    SignOnStatus.WITHDRAWN: "signature.withdrawn",
}


def on_signon_reviewed(
    session: Session, *, signon: SignOn, status: SignOnStatus, **_: object
) -> None:
    """signature.approved / signature.withdrawn, for a coordinator's decision."""
    event = _REVIEWED.get(status)
    if event is not None:
        _signatures(session, _campaign_of(session, signon.letter_id), event, [signon])


def on_signons_approved(session: Session, *, letter: Letter, ids: list[int], **_: object) -> None:
    """signature.approved for each sign-on of a bulk approval."""
    if not listeners(session, letter.campaign_id, "signature.approved"):
        return
    for start in range(0, len(ids), 500):
        rows = list(
            session.scalars(sa.select(SignOn).where(SignOn.id.in_(ids[start : start + 500])))
        )
        _signatures(session, letter.campaign_id, "signature.approved", rows)


def on_letter_released(session: Session, *, letter: Letter, **_: object) -> None:
    """At release, what the embargo held back: signature.confirmed for every sign-on on
    the letter, signature.approved for the approved (withdrawn ones were never told)."""
    for event, statuses in (
        ("signature.confirmed", COUNTED),
        ("signature.approved", (SignOnStatus.APPROVED,)),
    ):
        if not listeners(session, letter.campaign_id, event):
            continue
        ids = list(
            session.scalars(
                sa.select(SignOn.id)
                .where(SignOn.letter_id == letter.id, SignOn.status.in_(statuses))
                .order_by(SignOn.id)
            )
        )
        for start in range(0, len(ids), 500):
            rows = list(
                session.scalars(sa.select(SignOn).where(SignOn.id.in_(ids[start : start + 500])))
            )
            _signatures(session, letter.campaign_id, event, rows)
    if letter.status == LetterStatus.SENT:
        # delivered during the embargo (a delivery at release comes after this)
        on_letter_delivered(session, letter=letter)


def on_letter_delivered(session: Session, *, letter: Letter, **_: object) -> None:
    """petition.delivered (held while the letter is embargoed: its payload counts the
    signatures; ``on_letter_released`` sends it then)."""
    subscribers = listeners(session, letter.campaign_id, "petition.delivered")
    if subscribers and not is_embargoed(session, letter.id):
        docs = representations.petitions(session, [letter], links_for_payloads())
        enqueue(session, subscribers, "petition.delivered", "osdi:petition", docs)


def on_demand_status_changed(session: Session, *, demand: Demand, **_: object) -> None:
    """demand.status_changed."""
    subscribers = listeners(session, demand.campaign_id, "demand.status_changed")
    if subscribers:
        doc = extensions.demand(demand, links_for_payloads())
        enqueue(session, subscribers, "demand.status_changed", "coalition:demand", [doc])


def on_response_approved(session: Session, *, response: Response, **_: object) -> None:
    """response.approved."""
    subscribers = listeners(session, response.campaign_id, "response.approved")
    if subscribers:
        doc = extensions.response(response, links_for_payloads())
        enqueue(session, subscribers, "response.approved", "coalition:response", [doc])
