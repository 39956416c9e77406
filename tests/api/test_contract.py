"""Every collection and resource matches its published schema; every HAL link resolves;
a member's token never sees an email address."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from campaign.directory.models import Contact, Organization
from campaign.letters.models import LetterStatus
from campaign.signons.models import Level, SignOnStatus
from tests.api.helpers import check, hrefs, path_of
from tests.letters.factories import make_letter
from tests.review.factories import make_signon


@pytest.fixture
def data(session):
    """A letter with sign-ons of every status, one linked to a directory entry with a
    contact, and a draft letter."""
    letter = make_letter(session)
    make_letter(session, status=LetterStatus.DRAFT)
    org = Organization(
        name="Texas Civil Rights Project",
        key="texas civil rights project",
        level=Level.STATE,
        state="TX",
    )
    contact = Contact(
        name="Ana Pérez", title="Director", email="ana@tcrp.example", phone="+1 512 555 0100"
    )
    org.contacts = [contact]
    session.add(org)
    session.commit()
    signons = [
        make_signon(
            session,
            letter,
            status=status,
            signer_email=f"s{i}@example.org",
            signer_name="Ana María Pérez",
        )
        for i, status in enumerate(SignOnStatus)
    ]
    signons[0].organization_id = org.id
    session.commit()
    # plain values: a request ends the session the objects belong to
    return Data(letter.id, letter.slug, [s.id for s in signons], org.id)


@dataclass
class Data:
    letter: int
    slug: str
    signons: list[int]
    org: int


def _follow(api, doc, seen: set[str]) -> None:
    for href in hrefs(doc):
        path = path_of(href)
        if path in seen:
            continue
        seen.add(path)
        response = api.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])


def test_every_answer_matches_its_schema_and_every_link_resolves(api_as, data):
    letter, signons, org = data.letter, data.signons, data.org
    api = api_as("coordinator")
    entry = api.get("/api/v1/")
    assert entry.status_code == 200
    assert entry.content_type.startswith("application/hal+json")
    check(entry.json, "entry_point")
    seen: set[str] = set()
    _follow(api, entry.json, seen)

    petitions = api.get("/api/v1/petitions").json
    check(petitions, "petition_collection")
    assert petitions["total_records"] == 2
    item = next(
        p
        for p in petitions["_embedded"]["osdi:petitions"]
        if p["identifiers"] == [f"campaign:{letter}"]
    )
    assert item["identifiers"] == [f"campaign:{letter}"]
    # confirmed and approved count
    assert item["total_signatures"] == 2
    assert item["browser_url"] == f"http://campaign.test/sign/{data.slug}"
    _follow(api, petitions, seen)

    one = api.get(f"/api/v1/petitions/{letter}").json
    check(one, "petition")
    sigs = api.get(f"/api/v1/petitions/{letter}/signatures").json
    check(sigs, "signature_collection")
    assert sigs["total_records"] == len(signons)
    _follow(api, sigs, seen)
    for sig in sigs["_embedded"]["osdi:signatures"]:
        check(sig, "signature")
        check(api.get(path_of(sig["_links"]["self"]["href"])).json, "signature")
    first = next(
        s
        for s in sigs["_embedded"]["osdi:signatures"]
        if s["identifiers"] == [f"campaign:{signons[0]}"]
    )
    assert first["_links"]["coalition:organization"]["href"].endswith(f"/organizations/{org}")
    assert first["person"] == {
        "given_name": "Ana María",
        "family_name": "Pérez",
        "coalition:full_name": "Ana María Pérez",
        "email_addresses": [{"address": "s0@example.org", "primary": True}],
    }

    orgs = api.get("/api/v1/organizations").json
    check(orgs, "organization_collection")
    entry_org = orgs["_embedded"]["coalition:organizations"][0]
    assert entry_org["coalition:contacts"][0]["email"] == "ana@tcrp.example"
    check(api.get(f"/api/v1/organizations/{org}").json, "organization")
    _follow(api, orgs, seen)


def test_a_members_token_never_sees_email_or_phone(api_as, data):
    letter, signons, org = data.letter, data.signons, data.org
    api = api_as("member")
    bodies = [
        api.get(f"/api/v1/petitions/{letter}/signatures?per_page=100").get_data(as_text=True),
        api.get(f"/api/v1/petitions/{letter}/signatures/{signons[0]}").get_data(as_text=True),
        api.get("/api/v1/organizations").get_data(as_text=True),
        api.get(f"/api/v1/organizations/{org}").get_data(as_text=True),
        api.get(f"/api/v1/petitions/{letter}/signatures?format=csv").get_data(as_text=True),
        api.get("/api/v1/organizations?format=csv").get_data(as_text=True),
    ]
    for body in bodies:
        # (the phone number whole: "555" alone may be in a timestamp's microseconds)
        assert "@" not in body, body[:500]
        assert "+1 512 555 0100" not in body
        assert "email_addresses" not in body and "coalition:contacts" not in body
    sigs = api.get(f"/api/v1/petitions/{letter}/signatures").json
    check(sigs, "signature_collection")
    assert sigs["total_records"] == len(signons)


def test_unknown_ids_and_paths_are_json_404s(api_as, data):
    letter, signons = data.letter, data.signons
    api = api_as("member")
    other = letter + 1000
    for path in (
        f"/api/v1/petitions/{other}",
        f"/api/v1/petitions/{other}/signatures",
        f"/api/v1/petitions/{other}/signatures/{signons[0]}",
        "/api/v1/organizations/999999",
        "/api/v1/nothing-here",
        "/api/v1/petitions/99999999999999999999",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json is not None, (path, response.get_data(as_text=True)[:200])
        check(response.json, "error")


def test_bad_paging_and_filters_are_400s_naming_the_parameter(api_as, data):
    api = api_as("member")
    for query, field in (
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=0", "per_page"),
        ("filter=name eq 'x'", "filter"),
        ("filter=modified_date gt 'yesterday'", "filter"),
    ):
        response = api.get(f"/api/v1/petitions?{query}")
        assert response.status_code == 400, query
        check(response.json, "error")
        assert response.json["errors"][0]["field"] == field
    capped = api.get("/api/v1/petitions?per_page=1000").json
    assert capped["per_page"] == 100


def test_no_cookies_no_cors(api_as, data):
    api = api_as("member")
    response = api.get("/api/v1/petitions", headers={"Origin": "https://elsewhere.example"})
    assert "Set-Cookie" not in response.headers
    assert "Access-Control-Allow-Origin" not in response.headers


def test_openapi_document_and_docs_page(client):
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200
    assert doc.json["openapi"] == "3.1.0"
    from jsonschema import Draft202012Validator

    for schema in doc.json["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/petitions/{id}/signatures" in html and "signature_input" in html
    assert "cdn." not in html.lower()
