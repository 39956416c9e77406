"""The same search finds the same sign-ons on SQLite and on PostgreSQL, whatever is typed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.core.names import org_key
from campaign.letters.models import Letter
from campaign.review import queries
from campaign.signons.models import Level, SignOn, SignOnStatus
from tests.search.conftest import seed_letter
from tests.search.corpus import QUERIES, SIGN_ONS


@pytest.fixture(scope="module")
def sign_ons(databases) -> dict[str, tuple[sa.Engine, int]]:
    """The corpus written on each database; {dialect: (engine, letter id)}."""
    out = {}
    for name, engine in databases.items():
        with Session(engine) as session:
            letter_id = seed_letter(session)
            version_id = session.scalar(sa.text("SELECT id FROM letter_versions"))
            for org, signer, email, city, comment in SIGN_ONS:
                session.add(SignOn(
                    letter_id=letter_id, version_id=version_id, org_name=org,
                    org_key=org_key(org), level=Level.STATE, state="TX", city=city,
                    signer_name=signer, signer_email=email, comment=comment,
                    status=SignOnStatus.CONFIRMED,
                ))  # fmt: skip
            session.commit()
        out[name] = (engine, letter_id)
    return out


def search(engine: sa.Engine, letter_id: int, q: str) -> list[str]:
    """What the review queue lists for ``q``: organization names, A–Z."""
    with Session(engine) as session:
        letter = session.get(Letter, letter_id)
        filters = queries.with_search(session, queries.SignOnFilters(q=q.strip()[:200]))
        ids = queries.filtered_ids(letter, filters)
        return sorted(session.scalars(sa.select(SignOn.org_name).where(SignOn.id.in_(ids))))


@pytest.mark.parametrize("q", QUERIES)
def test_same_sign_ons_on_both_databases(sign_ons, q):
    if "postgresql" not in sign_ons:
        pytest.skip("no PostgreSQL server to compare with")
    found = {name: search(engine, letter_id, q) for name, (engine, letter_id) in sign_ons.items()}
    assert found["sqlite"] == found["postgresql"], q


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("aclu tex", ["ACLU of Texas"]),
        ("perez", ["ACLU of Texas"]),
        ("PÉREZ", ["ACLU of Texas"]),
        ("o’brien", ["American Civil Liberties Union of Texas"]),
        ("brien", ["American Civil Liberties Union of Texas"]),
        ("the alliance", ["Alliance San Diego", "The Alliance for Justice"]),
        ('"alliance for"', ["The Alliance for Justice"]),
        ('"for alliance"', []),
        ("mecklenberg", ["Mecklenburg County Immigrant Coalition"]),
        ("latinx-led", ["Latinx-Led Coalition"]),
        ("محمد", ["Centro Cultural Árabe — مركز العدالة"]),
        ("大学", ["北京大学 Alumni for Justice"]),
        ("ana@aclutx.org", ["ACLU of Texas"]),
        ("sheriff’s", ["Sheriff's Watch"]),
        ("sheriff", ["Mecklenburg County Immigrant Coalition", "Sheriff's Watch"]),
        ("straße", ["Straße & Söhne e.V."]),
        ("strasse", ["Straße & Söhne e.V."]),
        ("istanbul", ["İstanbul Dayanışma"]),
        ("NEAR", ["NEAR Northside Partnership", '"Quoted" Org: (the *best*)']),
        ("%_\\", []),
        ("'; drop table sign_ons; --", []),
        ("civl rights", ["Texas Civil Rights Project"]),
    ],
)
def test_what_a_search_finds(sign_ons, q, expected):
    for engine, letter_id in sign_ons.values():
        assert search(engine, letter_id, q) == sorted(expected), (engine.dialect.name, q)
