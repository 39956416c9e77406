"""Bulk-send demand packets: every demand matching a filter, each to its own targets, each
with its own receipts; a demand that cannot go is reported, never half-sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from campaign.agencies.standing import standings
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.demands.models import Demand
from campaign.sending.packets import send_packet
from campaign.sending.recipients import mail_identity, recipients_of
from campaign.targets.models import Target
from campaign.targets.services import agency_targets, dhs_targets
from campaign.uploads.store import UploadStore


@dataclass
class PlanRow:
    """One demand of a bulk send, before it goes: its targets and what to know."""

    demand: Demand
    targets: list[Target]
    addresses: int
    warnings: list[str]


def plan(session: Session, demands: list[Demand], *, include_dhs: bool) -> list[PlanRow]:
    """Each demand's targets (its agency's, and DHS's when asked) and its warnings."""
    by_agency = agency_targets(session, [d.agency_id for d in demands])
    dhs = dhs_targets(session) if include_dhs else []
    standing = standings(session, [d.agency_id for d in demands])
    rows = []
    for demand in demands:
        targets = by_agency.get(demand.agency_id, []) + dhs
        recipients = recipients_of(targets)
        warnings = list(recipients.warnings)
        if not by_agency.get(demand.agency_id):
            warnings.append("the agency has no target")
        if standing.get(demand.agency_id) and standing[demand.agency_id].gone:
            warnings.append("ICE no longer lists the agreement")
        rows.append(PlanRow(demand, targets, len(recipients.pairs), warnings))
    return rows


@dataclass
class Outcome:
    """What became of one demand: sent with n receipts, or why not."""

    demand: Demand
    receipts: int = 0
    error: str = ""


def bulk_send_packets(
    session: Session,
    demands: list[Demand],
    *,
    include_dhs: bool,
    sent_on: date,
    today: date,
    static_dir: Path | str,
    store: UploadStore,
    actor: User,
    list_signatories: bool = False,
) -> list[Outcome]:
    """Send each demand's packet in its own savepoint: one that is refused (no evidence, no
    working address, a closed demand) changes nothing and is reported."""
    outcomes = []
    # What every demand shares is read once for the batch (bench/send_packets.py): the
    # targets (only: the warnings were for the page that led here) and the coalition's
    # From name and Reply-To.
    by_agency = agency_targets(session, [d.agency_id for d in demands], with_agency=False)
    dhs = dhs_targets(session) if include_dhs else []
    identities: dict[int, dict[str, str | None]] = {}
    for demand in demands:
        if demand.campaign_id not in identities:
            identities[demand.campaign_id] = mail_identity(session, demand.campaign_id)
        try:
            with session.begin_nested():
                _stored, rows, _r = send_packet(
                    session, demand, by_agency.get(demand.agency_id, []) + dhs,
                    sent_on=sent_on, today=today,
                    static_dir=static_dir, store=store, actor=actor,
                    list_signatories=list_signatories,
                    identity=identities[demand.campaign_id],
                )  # fmt: skip
        except DomainError as err:  # UploadError among them
            outcomes.append(Outcome(demand, error=err.message))
        else:
            outcomes.append(Outcome(demand, receipts=len(rows)))
    return outcomes
