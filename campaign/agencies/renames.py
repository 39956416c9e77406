"""Agencies renamed between ICE's releases: proposed by the importer, decided by a coordinator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.importer.history import Timeline
from campaign.agencies.models import (
    Agency,
    Agreement,
    AgreementObservation,
    ImportSnapshot,
    ListType,
    RenameProposal,
    RenameStatus,
)
from campaign.agencies.rename_match import MIN_SCORE, rename_score
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import Conflict
from campaign.db import utcnow


def _candidates(
    session: Session, snapshot_id: int, timeline: Timeline
) -> dict[tuple[int, int], dict[str, Any]]:
    """(old agency, new agency) → the proposal's entry, for one release (see propose_renames)."""
    order = timeline.ordered()
    position = order.index(snapshot_id)
    before = set(order[:position])
    previous = timeline.previous(snapshot_id)
    participating = timeline.types[snapshot_id] == ListType.PARTICIPATING
    rows = session.execute(
        sa.select(
            AgreementObservation.agreement_id,
            AgreementObservation.snapshot_id,
            AgreementObservation.agency_name,
            AgreementObservation.list_type,
        ).where(AgreementObservation.snapshot_id.in_(before | {snapshot_id}))
    ).all()
    now: dict[int, str] = {}
    earlier: dict[int, tuple[int, str]] = {}  # agreement → (its latest list before, name there)
    on_previous: set[int] = set()
    ever_participating: set[int] = set()
    for agreement_id, sid, name, list_type in rows:
        if sid == snapshot_id:
            now[agreement_id] = name
            continue
        if sid == previous:
            on_previous.add(agreement_id)
        if list_type == ListType.PARTICIPATING:
            ever_participating.add(agreement_id)
        known = earlier.get(agreement_id)
        if known is None or timeline.keys[sid] > timeline.keys[known[0]]:
            earlier[agreement_id] = (sid, name)
    appeared = [a for a in now if a not in earlier]
    # vanished: on the previous list of this type and not on this one; for a participating
    # list, also a pending agreement never listed as participating (signed under a new name)
    vanished = {a for a in on_previous if a not in now}
    if participating:
        vanished |= {a for a in earlier if a not in now and a not in ever_participating}
    if not appeared or not vanished:
        return {}
    info = {
        agreement_id: (agency_id, model, state, merged)
        for agreement_id, agency_id, model, state, merged in session.execute(
            sa.select(
                Agreement.id, Agreement.agency_id, Agreement.model, Agency.state,
                Agency.merged_into_id,
            )
            .join(Agency, Agency.id == Agreement.agency_id)
            .where(Agreement.id.in_(set(appeared) | vanished))
        )
    }  # fmt: skip
    by_slot: dict[tuple[str, str], list[int]] = defaultdict(list)
    for agreement_id in vanished:
        _agency, model, state, _merged = info[agreement_id]
        by_slot[(state, model)].append(agreement_id)
    scored = []
    for new_id in appeared:
        new_agency, model, state, _merged = info[new_id]
        for old_id in by_slot.get((state, model), []):
            old_agency = info[old_id][0]
            if old_agency == new_agency or info[old_id][3] is not None:
                continue
            score = rename_score(earlier[old_id][1], now[new_id], state)
            if score >= MIN_SCORE:
                scored.append((score, earlier[old_id][1], now[new_id], old_id, new_id))
    out: dict[tuple[int, int], dict[str, Any]] = {}
    used: set[int] = set()
    for score, old_name, new_name, old_id, new_id in sorted(
        scored, key=lambda c: (-c[0], c[1], c[2])
    ):
        if old_id in used or new_id in used:
            continue
        used |= {old_id, new_id}
        pair = (info[old_id][0], info[new_id][0])
        entry = out.setdefault(
            pair,
            {
                "state": info[new_id][2],
                "old_agency_id": pair[0],
                "old_name": old_name,
                "new_agency_id": pair[1],
                "new_name": new_name,
                "score": round(float(score), 1),
                "models": [],
            },
        )
        entry["models"].append(info[new_id][1].value)
    return out


def propose_renames(
    session: Session, snapshot_id: int
) -> tuple[list[RenameProposal], list[dict[str, Any]]]:
    """Possible renames in one release, per agreement: in one state and one model, an
    agreement vanished and another appeared under a similar name (``rename_match``).

    Also brings the proposals of later lists up to date when an older list arrives late
    (an agreement it names did not "appear" later after all). Decided proposals are kept.
    Returns this release's new proposals (added and flushed) and their entries for the diff.
    """
    timeline = Timeline.load(session)
    order = timeline.ordered()
    later = order[order.index(snapshot_id) + 1 :]
    existing = {
        (p.old_agency_id, p.new_agency_id): p for p in session.scalars(sa.select(RenameProposal))
    }
    mine: list[RenameProposal] = []
    entries: list[dict[str, Any]] = []
    for sid in [snapshot_id, *later]:
        found = _candidates(session, sid, timeline)
        for proposal in existing.values():
            stale = proposal.snapshot_id == sid and proposal.status == RenameStatus.PROPOSED
            if stale and (proposal.old_agency_id, proposal.new_agency_id) not in found:
                session.delete(proposal)
        for pair, entry in found.items():
            if pair in existing:
                continue
            proposal = RenameProposal(
                snapshot_id=sid, old_agency_id=pair[0], new_agency_id=pair[1],
                score=entry["score"],
            )  # fmt: skip
            session.add(proposal)
            existing[pair] = proposal
            if sid == snapshot_id:
                mine.append(proposal)
                entries.append(entry)
    session.flush()
    return mine, entries


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
