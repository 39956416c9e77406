"""The demand lifecycle: every transition allowed and refused, reasons, the evidence rule."""

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.core.errors import DomainError
from campaign.demands.models import DemandEvent, DemandEventKind, DemandStatus
from campaign.demands.services import TRANSITIONS, allowed_transitions, transition_demand
from campaign.evidence.services import delete_evidence
from tests.demands.factories import create_actor, create_demand_row

S = DemandStatus
ALL_PAIRS = [(a, b) for a in S for b in S]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


def test_table_covers_every_status_and_matches_the_design():
    assert set(TRANSITIONS) == set(S)
    # withdrawn is reachable from every open state; met and withdrawn are final
    for status in S:
        if status.is_open:
            assert S.WITHDRAWN in TRANSITIONS[status]
    assert TRANSITIONS[S.MET] == TRANSITIONS[S.WITHDRAWN] == frozenset()
    for source in (S.SENT, S.ACKNOWLEDGED, S.MEETING_SCHEDULED):
        assert S.AWAITING_RESPONSE in TRANSITIONS[source]
    for status in S:
        assert S.DRAFT not in TRANSITIONS[status]
    assert allowed_transitions(S.DRAFT) == [S.SENT, S.WITHDRAWN]


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: s.value)
def test_allowed_transition(session, source, target):
    actor = create_actor(session)
    demand = create_demand_row(session, status=source, with_evidence=True, actor=actor)
    transition_demand(session, demand, target, reason="Because.", actor=actor)
    session.commit()
    assert demand.status == target
    event = session.scalars(
        sa.select(DemandEvent).where(
            DemandEvent.demand_id == demand.id, DemandEvent.kind == DemandEventKind.STATUS
        )
    ).one()
    assert (event.from_status, event.to_status, event.note, event.user_id) == (
        source,
        target,
        "Because.",
        actor.id,
    )
    audit = session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "demand.transition", AuditEvent.entity_id == demand.id
        )
    ).one()
    assert audit.user_id == actor.id
    assert audit.details == {
        "from": source.value, "to": target.value, "reason": "Because.",
        "happened_on": audit.details["happened_on"],
    }  # fmt: skip
    assert audit.details["happened_on"] == demand.status_changed_on.isoformat()


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda s: s.value)
def test_refused_transition(session, source, target):
    actor = create_actor(session)
    demand = create_demand_row(session, status=source, with_evidence=True, actor=actor)
    with pytest.raises(DomainError, match="cannot go from"):
        transition_demand(session, demand, target, reason="Because.", actor=actor)
    assert demand.status == source
    assert not session.scalar(
        sa.select(AuditEvent.id).where(
            AuditEvent.action == "demand.transition", AuditEvent.entity_id == demand.id
        )
    )


def _creator(session, demand):
    from campaign.auth.models import User

    return session.get(User, demand.created_by_id)


def test_reason_is_required(session):
    demand = create_demand_row(session, with_evidence=True)
    with pytest.raises(DomainError, match="reason") as err:
        transition_demand(session, demand, S.SENT, reason="  ", actor=_creator(session, demand))
    assert err.value.field == "reason"
    assert demand.status == S.DRAFT


def test_draft_cannot_be_sent_without_evidence(session):
    demand = create_demand_row(session)
    with pytest.raises(DomainError, match="at least one evidence record"):
        transition_demand(session, demand, S.SENT, reason="Go", actor=_creator(session, demand))
    assert demand.status == S.DRAFT


def test_deleted_evidence_does_not_count(session):
    demand = create_demand_row(session, with_evidence=True)
    actor = _creator(session, demand)
    from campaign.demands.models import DemandEvidence
    from campaign.evidence.models import EvidenceRecord

    record = session.scalar(
        sa.select(EvidenceRecord)
        .join(DemandEvidence, DemandEvidence.evidence_id == EvidenceRecord.id)
        .where(DemandEvidence.demand_id == demand.id)
    )
    delete_evidence(session, record, actor=actor)
    with pytest.raises(DomainError, match="at least one evidence record"):
        transition_demand(session, demand, S.SENT, reason="Go", actor=actor)


def test_a_draft_without_evidence_can_be_withdrawn(session):
    demand = create_demand_row(session)
    transition_demand(
        session, demand, S.WITHDRAWN, reason="Dropped", actor=_creator(session, demand)
    )
    assert demand.status == S.WITHDRAWN
