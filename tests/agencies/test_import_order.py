"""ICE's lists imported in any order leave the state and history of the date-ordered import."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from campaign.agencies.models import Agency, Agreement, AgreementStatus
from tests.agencies.real_lists import import_all, in_date_order, state_of


@pytest.fixture(scope="module")
def date_ordered(app):
    """The state the real workbooks leave when imported oldest first (computed once)."""
    from campaign import db

    engine = db.get_engine(app)
    connection = engine.connect()
    transaction = connection.begin()
    session = sa.orm.Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        import_all(session, in_date_order())
        return state_of(session)
    finally:
        session.close()
        transaction.rollback()
        connection.close()


def _orders():
    paths = in_date_order()
    shuffled = []
    for seed in (1, 2):
        order = list(paths)
        random.Random(seed).shuffle(order)
        shuffled.append(order)
    return [list(reversed(paths)), *shuffled]


@pytest.mark.parametrize("order", range(3), ids=["newest first", "shuffled 1", "shuffled 2"])
def test_any_order_gives_the_date_ordered_state_and_history(session, date_ordered, order):
    paths = _orders()[order]
    import_all(session, paths)
    state = state_of(session)
    for part in ("agencies", "agreements", "history", "proposals"):
        assert state[part] == date_ordered[part], part


def test_an_older_list_after_the_newest_says_what_it_did(session):
    newest, oldest = in_date_order()[-1], in_date_order()[0]
    import_all(session, [newest])
    agencies = session.scalar(sa.select(sa.func.count()).select_from(Agency))
    (report,) = import_all(session, [oldest])
    assert not report.current
    assert (report.created, report.updated, report.no_longer_listed) == (0, 0, 0)
    assert report.diff["in_order"] is False and "new" not in report.diff
    only = report.diff["history_only"]
    message = report.warnings[0]["message"]
    assert report.warnings[0]["row"] == 0
    assert "older than the newest list imported (2026-05-18)" in message
    assert f"{len(only)} were not known (now: {len(only)} no longer listed)." in message
    assert "No current status changed." in message
    # the current state is the newest list's: 1,843 participating, the rest history
    counts = dict(
        session.execute(
            sa.select(Agreement.status, sa.func.count()).group_by(Agreement.status)
        ).all()
    )
    assert counts[AgreementStatus.PARTICIPATING] == 1843
    assert counts[AgreementStatus.NO_LONGER_LISTED] == len(only)
    # the agencies added are those of the older list only, none of them listed now
    added = session.scalar(sa.select(sa.func.count()).select_from(Agency)) - agencies
    listed = sa.select(Agreement.agency_id).where(
        Agreement.status != AgreementStatus.NO_LONGER_LISTED
    )
    unlisted = session.scalar(
        sa.select(sa.func.count()).select_from(Agency).where(Agency.id.not_in(listed))
    )
    assert 0 < added == unlisted <= len({e["agency_id"] for e in only})
