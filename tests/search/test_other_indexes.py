"""The directory, evidence and agency searches: the same rows on SQLite and PostgreSQL,
aliases and contacts found, never an error whatever is typed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.ice_workbook import agency_key
from campaign.agencies.models import Agency, AgencyType
from campaign.agencies.services import AgencyFilters, agency_query
from campaign.core.names import org_key
from campaign.directory import queries as directory
from campaign.directory.models import Contact, Organization, organization_contacts
from campaign.evidence.models import EvidenceRecord, EvidenceType
from campaign.evidence.search import evidence_query, resolve_search
from campaign.signons.models import Level
from tests.search.corpus import QUERIES, SIGN_ONS

AGENCIES = [
    ("Mecklenburg County Sheriff's Office", "NC", "Mecklenburg"),
    ("Harris County Sheriff’s Office", "TX", "Harris"),
    ("Miami Police Department", "FL", "Miami-Dade"),
    ("Oklahoma Dept. of Public Safety", "OK", None),
    ("Condado de Doña Ana Sheriff", "NM", "Doña Ana"),
]


@pytest.fixture(scope="module")
def rows(databases) -> dict[str, sa.Engine]:
    """Organizations (with their signer as contact), evidence and agencies on each database."""
    for engine in databases.values():
        with Session(engine) as session:
            for i, (org, signer, email, city, comment) in enumerate(SIGN_ONS):
                o = Organization(name=org, key=org_key(org), level=Level.STATE, state="TX",
                                 city=city)  # fmt: skip
                c = Contact(name=signer, email=email)
                session.add_all([o, c])
                session.flush()
                session.execute(organization_contacts.insert().values(
                    organization_id=o.id, contact_id=c.id))  # fmt: skip
                session.add(EvidenceRecord(
                    type=EvidenceType.NEWS_REPORT, title=org, summary=comment,
                    citation=f"{signer}, {city} ({i})",
                ))  # fmt: skip
            for name, state, county in AGENCIES:
                session.add(Agency(name=name, key=agency_key(name), state=state, county=county,
                                   type=AgencyType.COUNTY))  # fmt: skip
            session.flush()
            old = Agency(name="Meck Sheriff Dept", key="meck sheriff department", state="NC",
                         type=AgencyType.COUNTY)  # fmt: skip
            old.merged_into_id = session.scalar(
                sa.select(Agency.id).where(Agency.name.like("Mecklenburg%"))
            )
            session.add(old)
            session.commit()
    return databases


def _directory(session: Session, q: str) -> list[str]:
    filters = directory.DirectoryFilters(q=q.strip()[:200]).with_search(session)
    return sorted(o.name for o, *_ in session.execute(directory.filtered_query(filters)))


def _evidence(session: Session, q: str) -> list[str]:
    query = evidence_query(q=q, search=resolve_search(session, q))
    return sorted(r.title for r in session.scalars(query))


def _agencies(session: Session, q: str) -> list[str]:
    filters = AgencyFilters(q=q.strip()[:200] or None).with_search(session)
    return sorted(a.name for a in session.scalars(agency_query(filters)))


SEARCHES = {"directory": _directory, "evidence": _evidence, "agencies": _agencies}


@pytest.mark.parametrize("feature", SEARCHES)
@pytest.mark.parametrize("q", QUERIES)
def test_same_rows_on_both_databases(rows, feature, q):
    if "postgresql" not in rows:
        pytest.skip("no PostgreSQL server to compare with")
    found = {}
    for name, engine in rows.items():
        with Session(engine) as session:
            found[name] = SEARCHES[feature](session, q)
    assert found["sqlite"] == found["postgresql"], (feature, q)


@pytest.mark.parametrize(
    ("feature", "q", "expected"),
    [
        ("directory", "aclu tex", ["ACLU of Texas"]),
        ("directory", "a@aclutx", ["ACLU of Texas"]),  # a contact's address
        ("directory", "obrien", ["American Civil Liberties Union of Texas"]),  # a contact
        ("directory", "charlote", ["Mecklenburg County Immigrant Coalition"]),  # city, near
        ("evidence", "mecklenberg", ["Mecklenburg County Immigrant Coalition"]),
        ("evidence", "287(g)", ["287(g) Watch", "Mecklenburg County Immigrant Coalition"]),
        ("evidence", "%", sorted(s[0] for s in SIGN_ONS)),  # punctuation alone: no filter
        ("agencies", "mecklenberg", ["Mecklenburg County Sheriff's Office"]),
        ("agencies", "meck sheriff", ["Mecklenburg County Sheriff's Office"]),  # an alias
        ("agencies", "harris sheriff's", ["Harris County Sheriff’s Office"]),
        ("agencies", "miami pd", ["Miami Police Department"]),
        ("agencies", "oklahoma department", ["Oklahoma Dept. of Public Safety"]),
        ("agencies", "dona ana", ["Condado de Doña Ana Sheriff"]),
        ("agencies", "miami-dade", ["Miami Police Department"]),
        ("agencies", "_arris", []),
    ],
)
def test_what_each_search_finds(rows, feature, q, expected):
    for engine in rows.values():
        with Session(engine) as session:
            assert SEARCHES[feature](session, q) == expected, (engine.dialect.name, q)
