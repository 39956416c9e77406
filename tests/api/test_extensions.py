"""The extension collections (agencies with agreements, demands, responses, evidence):
each matches its schema, links to the others, and every link resolves."""

from __future__ import annotations

from datetime import date

from campaign.agencies.models import Agreement, AgreementModel, AgreementStatus
from tests.api.helpers import check, hrefs, path_of
from tests.demands.factories import create_agency, create_demand_row, create_evidence_record
from tests.letters.factories import make_letter
from tests.responses.factories import make_response


def test_extension_collections_match_their_schemas_and_link_each_other(session, api_as):
    letter = make_letter(session)
    agency = create_agency(session, name="Desoto County Sheriff's Office")
    session.add(
        Agreement(
            agency_id=agency.id,
            model=AgreementModel.JEM,
            status=AgreementStatus.PARTICIPATING,
            signed_on=date(2020, 5, 1),
        )
    )
    session.commit()
    demand = create_demand_row(session, agency=agency, with_evidence=True)
    demand.letter_id = letter.id
    session.commit()
    other = create_evidence_record(session, title="Unlinked report")
    deleted = create_evidence_record(session, title="Deleted report")
    from campaign.db import utcnow

    deleted.deleted_at = utcnow()
    session.commit()
    make_response(session, demand=demand)
    make_response(session, letter=letter)
    ids = {
        "agency": agency.id,
        "demand": demand.id,
        "letter": letter.id,
        "other": other.id,
        "deleted": deleted.id,
    }

    api = api_as("member")
    entry = api.get("/api/v1/").json
    for rel, schema in (
        ("coalition:agencies", "agency"),
        ("coalition:demands", "demand"),
        ("coalition:responses", "response"),
        ("coalition:evidence", "evidence"),
    ):
        doc = api.get(path_of(entry["_links"][rel]["href"])).json
        check(doc, f"{schema}_collection")
        assert doc["total_records"] >= 1
        seen: set[str] = set()
        for href in hrefs(doc):
            path = path_of(href)
            if path not in seen:
                seen.add(path)
                answer = api.get(path)
                assert answer.status_code == 200, path
        for item in doc["_embedded"][rel]:
            check(api.get(path_of(item["_links"]["self"]["href"])).json, schema)

    agencies = api.get("/api/v1/agencies").json["_embedded"]["coalition:agencies"]
    mine = next(a for a in agencies if a["identifiers"] == [f"campaign:{ids['agency']}"])
    assert mine["coalition:agreements"][0]["coalition:model"] == "JEM"
    assert mine["coalition:agreements"][0]["coalition:signed_on"] == "2020-05-01"

    by_agency = api.get(f"/api/v1/demands?agency={ids['agency']}").json
    assert by_agency["total_records"] == 1
    by_letter = api.get(f"/api/v1/demands?petition={ids['letter']}").json
    assert by_letter["total_records"] == 1
    supporting = api.get(f"/api/v1/evidence?demand={ids['demand']}").json
    assert supporting["total_records"] == 1
    demands_of = supporting["_embedded"]["coalition:evidence"][0]["_links"]["coalition:demands"]
    assert api.get(path_of(demands_of["href"])).json["total_records"] == 1
    assert api.get(f"/api/v1/responses?demand={ids['demand']}").json["total_records"] == 1
    assert api.get(f"/api/v1/responses?petition={ids['letter']}").json["total_records"] == 1
    petition = api.get(f"/api/v1/petitions/{ids['letter']}").json
    assert (
        api.get(path_of(petition["_links"]["coalition:demands"]["href"])).json["total_records"] == 1
    )
    # deleted evidence is gone from the API as from the pages
    assert api.get(f"/api/v1/evidence/{ids['deleted']}").status_code == 404
    listed = {
        e["identifiers"][0]
        for e in api.get("/api/v1/evidence").json["_embedded"]["coalition:evidence"]
    }
    assert f"campaign:{ids['other']}" in listed and f"campaign:{ids['deleted']}" not in listed
    bad = api.get("/api/v1/demands?agency=abc")
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == "agency"
    assert api.get("/api/v1/responses?format=csv").status_code == 200
