"""Agencies renamed between ICE's releases: proposed by the importer, decided by a coordinator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from campaign.agencies.models import (
    Agency,
    Agreement,
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

# Words every agency name shares; a rename is judged on what is left.
_GENERIC = frozenset(
    {
        "the", "city", "of", "town", "village", "county", "sheriffs", "sheriff", "office",
        "offic", "police", "department", "services", "service", "board", "commissioners",
    }
)  # fmt: skip
RENAME_MIN_SCORE = 85.0


def _distinctive(key: str) -> str:
    return " ".join(w for w in key.split() if w not in _GENERIC)


def rename_score(old_key: str, new_key: str) -> float:
    """How likely ``new_key`` is ``old_key`` renamed (0–100), judged on the distinctive words."""
    old, new = _distinctive(old_key), _distinctive(new_key)
    if not old or not new:
        return fuzz.ratio(old_key, new_key) if fuzz.ratio(old_key, new_key) >= 95 else 0.0
    return fuzz.ratio(old, new)


def propose_renames(
    session: Session,
    snapshot_id: int,
    agencies: dict[tuple[str, str], Agency],
    new_agency_ids: set[int],
    dropped_agency_ids: set[int],
) -> tuple[list[RenameProposal], list[dict[str, Any]]]:
    """New names that look like a vanished agency of the same state, for a coordinator.

    Returns the proposals (added and flushed) and their entries for the import's diff.
    """
    if not new_agency_ids or not dropped_agency_ids:
        return [], []
    still_listed = set(
        session.scalars(
            sa.select(Agreement.agency_id).where(
                Agreement.agency_id.in_(dropped_agency_ids),
                Agreement.status != AgreementStatus.NO_LONGER_LISTED,
            )
        )
    )
    gone = {a.id: a for a in set(agencies.values()) if a.id in dropped_agency_ids - still_listed}
    fresh = [a for a in set(agencies.values()) if a.id in new_agency_ids]
    by_state: dict[str, list[Agency]] = defaultdict(list)
    for agency in gone.values():
        by_state[agency.state].append(agency)
    candidates = []
    for new in fresh:
        for old in by_state.get(new.state, []):
            score = rename_score(old.key, new.key)
            if score >= RENAME_MIN_SCORE:
                candidates.append((score, old, new))
    proposals: list[RenameProposal] = []
    entries: list[dict[str, Any]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    existing = {
        (old_id, new_id)
        for old_id, new_id in session.execute(
            sa.select(RenameProposal.old_agency_id, RenameProposal.new_agency_id)
        )
    }
    for score, old, new in sorted(candidates, key=lambda c: (-c[0], c[1].key, c[2].key)):
        if old.id in used_old or new.id in used_new or (old.id, new.id) in existing:
            continue
        used_old.add(old.id)
        used_new.add(new.id)
        proposal = RenameProposal(
            snapshot_id=snapshot_id,
            old_agency_id=old.id,
            new_agency_id=new.id,
            score=round(float(score), 1),
        )
        session.add(proposal)
        proposals.append(proposal)
        entries.append(
            {
                "state": new.state,
                "old_agency_id": old.id,
                "old_name": old.name,
                "new_agency_id": new.id,
                "new_name": new.name,
                "score": round(float(score), 1),
            }
        )
    session.flush()
    return proposals, entries


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
