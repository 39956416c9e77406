"""Agencies: rename decisions and the queries behind the agency pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from campaign.agencies.ice_workbook import agency_key
from campaign.agencies.models import (
    Agency,
    AgencyType,
    Agreement,
    AgreementModel,
    AgreementObservation,
    AgreementStatus,
    ImportSnapshot,
    RenameProposal,
    RenameStatus,
)
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import Conflict
from campaign.db import utcnow

# Called when a confirmed rename merges ``old`` into ``new``: hook(session, old_id, new_id).
# Features that point at agencies (demands, evidence) move their rows here.
AgencyMergeHook = Callable[[Session, int, int], None]
_merge_hooks: list[AgencyMergeHook] = []


def register_agency_merge_hook(hook: AgencyMergeHook) -> None:
    """Run ``hook(session, old_agency_id, new_agency_id)`` whenever a rename is confirmed."""
    if hook not in _merge_hooks:
        _merge_hooks.append(hook)


def confirm_rename(session: Session, proposal: RenameProposal, *, actor: User) -> Agency:
    """Merge the old agency into the new name: agreements and their history move over.

    The old agency row stays as an alias (``merged_into_id``) so later imports of the old
    spelling land on the new agency and old links redirect. Where both names hold the same
    model, the two histories are joined into the agreement under the new name.
    """
    if proposal.status != RenameStatus.PROPOSED:
        raise Conflict("This rename was already decided.")
    old = session.get(Agency, proposal.old_agency_id)
    new = session.get(Agency, proposal.new_agency_id)
    if old is None or new is None or old.merged_into_id or new.merged_into_id:
        raise Conflict("One of these agencies was already merged into another.")
    old_agreements = list(
        session.scalars(sa.select(Agreement).where(Agreement.agency_id == old.id))
    )
    new_by_model = {
        a.model: a
        for a in session.scalars(sa.select(Agreement).where(Agreement.agency_id == new.id))
    }
    dates = dict(session.execute(sa.select(ImportSnapshot.id, ImportSnapshot.as_of_on)).all())
    moved, joined = 0, 0
    for agreement in old_agreements:
        target = new_by_model.get(agreement.model)
        if target is None:
            agreement.agency_id = new.id
            moved += 1
            continue
        # keep one observation per snapshot: the new name's wins
        taken = select_snapshots(session, target.id)
        session.execute(
            sa.delete(AgreementObservation).where(
                AgreementObservation.agreement_id == agreement.id,
                AgreementObservation.snapshot_id.in_(taken),
            )
        )
        session.execute(
            sa.update(AgreementObservation)
            .where(AgreementObservation.agreement_id == agreement.id)
            .values(agreement_id=target.id)
        )
        first_old = dates.get(agreement.first_snapshot_id or 0)
        first_new = dates.get(target.first_snapshot_id or 0)
        if first_old and (first_new is None or first_old < first_new):
            target.first_snapshot_id = agreement.first_snapshot_id
        target.signed_on = target.signed_on or agreement.signed_on
        target.agreement_url = target.agreement_url or agreement.agreement_url
        target.updated_at = utcnow()
        session.delete(agreement)
        joined += 1
    old.merged_into_id = new.id
    old.updated_at = utcnow()
    new.county = new.county or old.county
    proposal.status = RenameStatus.CONFIRMED
    proposal.decided_at = utcnow()
    proposal.decided_by_id = actor.id
    session.flush()
    for hook in _merge_hooks:
        hook(session, old.id, new.id)
    record(
        session,
        actor,
        "agency.rename_confirm",
        "agency",
        new.id,
        old_agency_id=old.id,
        old_name=old.name,
        new_name=new.name,
        agreements_moved=moved,
        agreements_joined=joined,
    )
    return new


def select_snapshots(session: Session, agreement_id: int) -> list[int]:
    """The snapshots that observed an agreement."""
    return list(
        session.scalars(
            sa.select(AgreementObservation.snapshot_id).where(
                AgreementObservation.agreement_id == agreement_id
            )
        )
    )


def reject_rename(session: Session, proposal: RenameProposal, *, actor: User) -> None:
    """Record that the two names are different agencies."""
    if proposal.status != RenameStatus.PROPOSED:
        raise Conflict("This rename was already decided.")
    proposal.status = RenameStatus.REJECTED
    proposal.decided_at = utcnow()
    proposal.decided_by_id = actor.id
    session.flush()
    record(
        session,
        actor,
        "agency.rename_reject",
        "agency",
        proposal.new_agency_id,
        old_agency_id=proposal.old_agency_id,
    )


@dataclass
class AgencyFilters:
    """The agency list's filters (all optional)."""

    state: str | None = None
    model: AgreementModel | None = None
    status: AgreementStatus | None = None
    type: AgencyType | None = None
    q: str | None = None


def agency_query(filters: AgencyFilters) -> sa.Select:
    """Agencies (not merged aliases) matching the filters, by state then name."""
    query = sa.select(Agency).where(Agency.merged_into_id.is_(None))
    if filters.state:
        query = query.where(Agency.state == filters.state)
    if filters.type:
        query = query.where(Agency.type == filters.type)
    if filters.model or filters.status:
        # one agreement must match both, e.g. "a TFM agreement that is pending"
        match = sa.select(Agreement.id).where(Agreement.agency_id == Agency.id)
        if filters.model:
            match = match.where(Agreement.model == filters.model)
        if filters.status:
            match = match.where(Agreement.status == filters.status)
        query = query.where(match.exists())
    if filters.q:
        # every word of the search in the normalised name, in any order
        for word in agency_key(filters.q).split()[:8]:
            query = query.where(Agency.key.contains(word, autoescape=True))
    return query.order_by(Agency.state, Agency.key, Agency.id).options(
        selectinload(Agency.agreements)
    )


def agency_history(session: Session, agency: Agency) -> dict[int, list[AgreementObservation]]:
    """Each agreement's observations, oldest snapshot first (one query)."""
    rows = session.scalars(
        sa.select(AgreementObservation)
        .join(Agreement, Agreement.id == AgreementObservation.agreement_id)
        .join(ImportSnapshot, ImportSnapshot.id == AgreementObservation.snapshot_id)
        .where(Agreement.agency_id == agency.id)
        .order_by(ImportSnapshot.as_of_on, ImportSnapshot.id)
        .options(selectinload(AgreementObservation.snapshot))
    )
    out: dict[int, list[AgreementObservation]] = {}
    for obs in rows:
        out.setdefault(obs.agreement_id, []).append(obs)
    return out


def status_counts(session: Session) -> dict[str, int]:
    """How many agreements stand in each status (for the list's header)."""
    rows = session.execute(
        sa.select(Agreement.status, sa.func.count()).group_by(Agreement.status)
    ).all()
    return {status.value: count for status, count in rows}
