"""The demo command imports ICE's latest participating list, once."""

import sqlalchemy as sa

from campaign.agencies.models import Agreement, ImportSnapshot


def test_demo_imports_the_participating_list_once(runner, session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    (snapshot,) = session.scalars(sa.select(ImportSnapshot)).all()
    assert (snapshot.file_name, snapshot.rows_read) == ("participating-2026-05-18.xlsx", 1843)
    assert session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1843
