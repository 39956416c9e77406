"""The demand state machine under random sequences of requested transitions."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.core.errors import DomainError
from campaign.demands.models import DemandStatus
from campaign.demands.services import TRANSITIONS, transition_demand
from tests.demands.factories import create_actor, create_demand_row

STATUSES = list(DemandStatus)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=12))
def test_only_listed_transitions_ever_happen(session, steps):
    actor = create_actor(session)
    demand = create_demand_row(session, with_evidence=True, actor=actor)
    history = [demand.status]
    for target in steps:
        before = demand.status
        try:
            transition_demand(session, demand, target, reason="test", actor=actor)
        except DomainError:
            assert target not in TRANSITIONS[before]
            assert demand.status == before
        else:
            assert target in TRANSITIONS[before]
            history.append(target)
    session.rollback()
    # final states are final
    for a, b in itertools.pairwise(history):
        assert a not in (DemandStatus.MET, DemandStatus.WITHDRAWN), history
        assert b in TRANSITIONS[a]


def test_every_status_has_an_entry_and_no_self_loops():
    assert set(TRANSITIONS) == set(DemandStatus)
    for status, targets in TRANSITIONS.items():
        assert status not in targets
    assert TRANSITIONS[DemandStatus.MET] == frozenset()
    assert TRANSITIONS[DemandStatus.WITHDRAWN] == frozenset()
