"""Paging and the modified_date filter are exact at 0, 1, 100 and 10,001 records: every
record once, in (modified_date, id) order, whatever ties and page boundaries fall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from campaign.core.names import org_key
from campaign.directory.models import Organization
from campaign.letters.services import current_version
from campaign.signons.models import Level, SignOn, SignOnStatus
from tests.api.helpers import check, path_of
from tests.letters.factories import make_letter

T = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BEFORE = 3  # records at or before T, which ``gt T`` leaves out


def _when(i: int) -> datetime:
    """After T, three records per second: ties that a page boundary may cut."""
    return T + timedelta(seconds=1 + i // 3)


def _seed_signons(session, n: int) -> tuple[int, list[int]]:
    letter = make_letter(session)
    version_id = current_version(session, letter).id
    rows = []
    for i in range(n + BEFORE):
        name = f"Paged Organization {i}"
        at = T - timedelta(days=1) + timedelta(hours=i) if i < BEFORE - 1 else T
        if i >= BEFORE:
            at = _when(i - BEFORE)
        rows.append(
            {
                "letter_id": letter.id,
                "version_id": version_id,
                "org_name": name,
                "org_key": org_key(name),
                "level": Level.LOCAL,
                "state": "TX",
                "signer_name": f"Signer {i}",
                "signer_email": f"p{i}@example.org",
                "authorized": True,
                "status": SignOnStatus.CONFIRMED,
                "confirmed_at": at,
                "created_at": T - timedelta(days=2),
                "updated_at": at,
            }
        )
    session.execute(sa.insert(SignOn), rows)
    session.commit()
    ids = session.scalars(
        sa.select(SignOn.id)
        .where(SignOn.letter_id == letter.id, SignOn.updated_at > T)
        .order_by(SignOn.updated_at, SignOn.id)
    ).all()
    return letter.id, list(ids)


def _seed_organizations(session, n: int) -> list[int]:
    rows = []
    for i in range(n + BEFORE):
        name = f"Directory Entry {i}"
        at = T if i < BEFORE else _when(i - BEFORE)
        rows.append(
            {
                "name": name,
                "key": org_key(name),
                "level": Level.STATE,
                "state": "CA",
                "created_at": T - timedelta(days=2),
                "updated_at": at,
            }
        )
    session.execute(sa.insert(Organization), rows)
    session.commit()
    ids = session.scalars(
        sa.select(Organization.id)
        .where(Organization.updated_at > T)
        .order_by(Organization.updated_at, Organization.id)
    ).all()
    return list(ids)


def _walk(api, first: str, rel: str, schema: str) -> tuple[list[int], dict]:
    """Follow ``next`` links from ``first``; the ids in order, and the first page."""
    seen: list[int] = []
    url, head = first, None
    while url:
        page = api.get(url)
        assert page.status_code == 200, page.json
        doc = page.json
        head = head or doc
        if len(seen) < 150:  # the schema check costs; the first pages say enough
            check(doc, schema)
        seen += [int(item["identifiers"][0].split(":")[1]) for item in doc["_embedded"][rel]]
        assert [link["href"] for link in doc["_links"][rel]] == [
            item["_links"]["self"]["href"] for item in doc["_embedded"][rel]
        ]
        url = path_of(doc["_links"]["next"]["href"]) if "next" in doc["_links"] else None
    return seen, head


SINCE = "filter=modified_date gt '2026-11-01T12:00:00Z'"


@pytest.mark.parametrize("n", [0, 1, 100, 10_001])
def test_signatures_page_and_filter_exactly(session, api_as, n):
    letter_id, expected = _seed_signons(session, n)
    assert len(expected) == n
    api = api_as("member")
    base = f"/api/v1/petitions/{letter_id}/signatures"
    seen, head = _walk(
        api, f"{base}?per_page=100&{SINCE}", "osdi:signatures", "signature_collection"
    )
    assert seen == expected
    assert head["total_records"] == n
    assert head["total_pages"] == -(-n // 100)
    everything = api.get(f"{base}?per_page=1").json
    assert everything["total_records"] == n + BEFORE
    # ge takes the records at T itself; lt the ones before
    at_or_after = api.get(f"{base}?filter=modified_date ge '2026-11-01T12:00:00Z'").json
    assert at_or_after["total_records"] == n + 1
    before = api.get(f"{base}?filter=modified_date lt '2026-11-01T12:00:00Z'").json
    assert before["total_records"] == BEFORE - 1
    # past the last page: an empty page, not an error
    beyond = api.get(f"{base}?per_page=100&page={head['total_pages'] + 1}&{SINCE}").json
    assert beyond["_embedded"]["osdi:signatures"] == [] and beyond["total_records"] == n


@pytest.mark.parametrize("n", [0, 1, 100, 10_001])
def test_organizations_page_and_filter_exactly(session, api_as, n):
    expected = _seed_organizations(session, n)
    api = api_as("member")
    seen, head = _walk(
        api,
        f"/api/v1/organizations?per_page=100&{SINCE}",
        "coalition:organizations",
        "organization_collection",
    )
    assert seen == expected
    assert head["total_records"] == n and head["total_pages"] == -(-n // 100)


def test_the_csv_is_the_whole_filtered_collection(session, api_as):
    letter_id, expected = _seed_signons(session, 1203)
    api = api_as("coordinator")
    response = api.get(f"/api/v1/petitions/{letter_id}/signatures?format=csv&{SINCE}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    header = lines[0].split(",")
    assert "identifiers" in header and "person.email_addresses" in header
    ids = [int(line.split(",")[0].split(":")[1]) for line in lines[1:]]
    assert ids == expected
    bad = api.get(f"/api/v1/petitions/{letter_id}/signatures?format=xml")
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == "format"


def test_any_change_moves_modified_date_and_the_sync_sees_it(session, api_as):
    letter_id, ids = _seed_signons(session, 2)
    api = api_as("member")
    base = f"/api/v1/petitions/{letter_id}/signatures"
    newest = api.get(f"{base}?{SINCE}").json["_embedded"]["osdi:signatures"][-1]["modified_date"]
    since = f"filter=modified_date gt '{newest}'"
    assert api.get(f"{base}?{since}").json["total_records"] == 0
    # an ORM change and a Core UPDATE (as the review's bulk approval) both count
    session.get(SignOn, ids[0]).listed = False
    session.commit()
    session.execute(sa.update(SignOn).where(SignOn.id == ids[1]).values(status="approved"))
    session.commit()
    changed = api.get(f"{base}?{since}").json
    assert [
        int(s["identifiers"][0].split(":")[1]) for s in changed["_embedded"]["osdi:signatures"]
    ] == ids
