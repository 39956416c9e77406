"""What the review list costs the database: kept tallies and chart while a letter's
sign-ons do not change, and a search read from its matches (issue 22)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from campaign.db import utcnow
from campaign.review import queries, tallies
from campaign.signons.models import SignOn, SignOnStatus
from tests.letters.factories import make_letter
from tests.review.factories import bulk_signons, make_signon
from tests.review.helpers import base


def _grouped(statements: list[str]) -> list[str]:
    """One letter's sign-ons grouped: the tallies (by status, level, state) and the chart
    (by hour); not the navigation's counts, which nest their own queries."""
    return [
        s
        for s in statements
        if s.count("SELECT") == 1
        and re.search(r"\nFROM sign_ons \nWHERE sign_ons\.letter_id = .* GROUP BY", s, re.S)
    ]


@pytest.fixture(autouse=True)
def _nothing_kept():
    tallies.forget()
    yield
    tallies.forget()


def _settle(session, letter, age=timedelta(minutes=5)) -> None:
    """Date every change of the letter's sign-ons ``age`` ago, as on a letter nobody has
    signed or reviewed for a while."""
    session.execute(
        sa.update(SignOn).where(SignOn.letter_id == letter.id).values(updated_at=utcnow() - age)
    )
    session.commit()


def _page(client, url, count_queries) -> tuple[str, list[str]]:
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True), q.statements


def test_a_settled_letter_is_tallied_once(login_as, session, count_queries):
    letter = make_letter(session)
    bulk_signons(session, letter, 30)
    _settle(session, letter)
    c = login_as("coordinator")
    first, counted = _page(c, base(session, letter), count_queries)
    again, kept = _page(c, base(session, letter) + "?q=bulk", count_queries)
    # 20 counted (a third pending). The tallies and the chart: two GROUP BYs over the
    # letter's sign-ons the first time, none while nothing changed, searched or not.
    assert len(_grouped(counted)) == 2
    assert _grouped(kept) == []
    assert "Signed and confirmed (20), by level" in first
    assert "Signed and confirmed (20), by level" in again


def test_a_change_is_counted_at_once(login_as, session, count_queries):
    letter = make_letter(session)
    signons = [make_signon(session, letter, state="TX") for _ in range(3)]
    _settle(session, letter)
    c = login_as("coordinator")
    assert "Signed and confirmed (3), by level" in c.get(base(session, letter)).get_data(True)
    # a review (an ORM change) and a new sign-on: each moves the letter's newest change
    session.get(SignOn, signons[0].id).status = SignOnStatus.REJECTED
    session.commit()
    html, statements = _page(c, base(session, letter), count_queries)
    assert "Signed and confirmed (2), by level" in html
    assert len(_grouped(statements)) == 2
    make_signon(session, letter, state="CA")
    assert "Signed and confirmed (3), by level" in c.get(base(session, letter)).get_data(True)


def test_a_bulk_update_is_counted_at_once(login_as, session):
    letter = make_letter(session)
    bulk_signons(session, letter, 6)
    _settle(session, letter)
    c = login_as("coordinator")
    assert "Signed and confirmed (4), by level" in c.get(base(session, letter)).get_data(True)
    # a Core UPDATE (as bulk approval and the directory's upkeep run) sets updated_at too
    session.execute(
        sa.update(SignOn)
        .where(SignOn.letter_id == letter.id, SignOn.id % 2 == 0)
        .values(status=SignOnStatus.WITHDRAWN)
    )
    session.commit()
    counted = session.scalar(
        sa.select(sa.func.count()).where(
            SignOn.letter_id == letter.id,
            SignOn.status.in_([SignOnStatus.CONFIRMED, SignOnStatus.APPROVED]),
        )
    )
    assert counted < 4
    html = c.get(base(session, letter)).get_data(True)
    assert f"Signed and confirmed ({counted}), by level" in html


def test_figures_of_a_letter_being_signed_are_not_kept(session):
    letter = make_letter(session)
    make_signon(session, letter)
    tallies.figures(session, letter)
    assert not tallies._kept  # changed seconds ago: another transaction may still commit
    _settle(session, letter)
    kept = tallies.figures(session, letter)
    assert tallies.figures(session, letter) is kept
    assert kept.counts.counted == 1 and sum(kept.per_day.values()) == 1


@pytest.mark.parametrize("q", ["bulk", "organization 7", "zzzz", "bul"])
def test_a_search_page_is_the_same_from_the_matches_or_from_the_list(session, q):
    letter, other = make_letter(session), make_letter(session)
    bulk_signons(session, letter, 120)
    bulk_signons(session, other, 40)
    filters = queries.SignOnFilters(q=q)
    matched = session.scalars(queries.ordered_ids(letter, filters)).all()
    walked = session.scalars(queries.ordered_ids(letter, filters, many=True)).all()
    assert matched == walked
    mine = set(session.scalars(sa.select(SignOn.id).where(SignOn.letter_id == letter.id)))
    assert set(matched) <= mine


def test_sqlite_starts_a_search_from_its_matches(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    letter = make_letter(session)
    query = queries.filtered_ids(letter, queries.SignOnFilters(q="coalition texas"))
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = " | ".join(r[-1] for r in session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
    # each match looked up by its rowid, not the letter's every sign-on probed
    assert "INTEGER PRIMARY KEY" in plan, plan
    assert "ix_sign_ons" not in plan, plan
