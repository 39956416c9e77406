"""Agency pages: the list (filters, search, paging, query counts), import form, renames."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from campaign.agencies.demo import ICE_DATA_DIR
from campaign.agencies.importer import import_workbook
from campaign.agencies.models import (
    Agency,
    AgencyType,
    Agreement,
    AgreementModel,
    AgreementStatus,
    ImportSnapshot,
    RenameProposal,
    RenameStatus,
)
from tests.agencies.workbooks import agreement, build_workbook
from tests.factories import reload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _seed(session, n: int, state: str = "TX") -> None:
    """``n`` agencies with three agreements each, inserted in bulk."""
    offset = session.scalar(sa.select(sa.func.count()).select_from(Agency)) or 0
    last_id = session.scalar(sa.select(sa.func.max(Agency.id))) or 0
    session.execute(
        sa.insert(Agency),
        [
            {
                "name": f"Seed {offset + i:05d} County Sheriff's Office",
                "key": f"seed {offset + i:05d} county sheriffs office",
                "state": state,
                "type": AgencyType.COUNTY,
            }
            for i in range(n)
        ],
    )
    ids = session.scalars(sa.select(Agency.id).where(Agency.id > last_id)).all()
    session.execute(
        sa.insert(Agreement),
        [
            {"agency_id": agency_id, "model": model, "status": AgreementStatus.PARTICIPATING}
            for agency_id in ids
            for model in (AgreementModel.JEM, AgreementModel.TFM, AgreementModel.WSO)
        ],
    )
    session.commit()


def _upload(client, data: bytes, name: str = "participatingAgencies.xlsx", **fields):
    import io

    return client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(data), name, XLSX), **fields},
        content_type="multipart/form-data",
    )


def test_coordinator_imports_and_sees_the_report(login_as, session):
    c = login_as("coordinator")
    assert c.get("/agencies/import").status_code == 200
    data = (ICE_DATA_DIR / "participating-2025-05-16.xlsx").read_bytes()
    response = _upload(c, data, "participating-2025-05-16.xlsx")
    assert response.status_code == 302
    snap = session.scalar(sa.select(ImportSnapshot))
    assert snap.imported_by_id == c.user.id and snap.rows_read == 571
    assert response.headers["Location"].endswith(f"/agencies/snapshots/{snap.id}")
    html = c.get(f"/agencies/snapshots/{snap.id}").get_data(as_text=True)
    assert "571" in html and "SIGNED “05/082025” is not a date" in html
    assert "<td>545</td>" in html
    # the same file again: nothing new, said so
    again = _upload(c, data, "participating-2025-05-16.xlsx")
    assert again.headers["Location"].endswith(f"/agencies/snapshots/{snap.id}")
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportSnapshot)) == 1


def test_bad_files_are_refused_with_a_message(login_as, session):
    c = login_as("coordinator")
    response = _upload(c, b"STATE,AGENCY\n", "list.xlsx")
    assert response.status_code == 400
    assert "not an Excel workbook" in response.get_data(as_text=True)
    wrong = build_workbook([["x"]], header=["NAME"])
    response = _upload(c, wrong)
    assert response.status_code == 400
    assert "No sheet has the columns" in response.get_data(as_text=True)
    response = c.post("/agencies/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportSnapshot)) == 0


def test_members_read_but_cannot_import(login_as, client):
    m = login_as("member")
    assert m.get("/agencies").status_code == 200
    assert m.get("/agencies/snapshots").status_code == 200
    assert m.get("/agencies/import").status_code == 403
    assert _upload(m, build_workbook([agreement()])).status_code == 403
    assert client.get("/agencies").status_code == 302  # anonymous → login


def test_nav_has_agencies(login_as):
    html = login_as("member").get("/campaigns").get_data(as_text=True)
    assert 'href="/agencies"' in html


def test_agency_list_filters_and_search(login_as, session):
    import_workbook(
        session,
        build_workbook(
            [
                agreement(state="TEXAS", agency="Harris County Sheriff's Office"),
                agreement(
                    state="TEXAS",
                    agency="Harris County Sheriff's Office",
                    model="Jail Enforcement Model",
                ),
                agreement(state="FLORIDA", agency="Miami Police Department", kind="Municipality"),
                agreement(
                    state="FLORIDA",
                    agency="Florida Highway Patrol",
                    kind="State Agency",
                    model="Warrant Service Officer",
                ),
            ]
        ),
        file_name="list.xlsx",
    )
    session.commit()
    m = login_as("member")

    def names(query: str) -> list[str]:
        html = m.get(f"/agencies?{query}").get_data(as_text=True)
        return [n for n in ("Harris County", "Miami Police", "Florida Highway") if n in html]

    assert names("") == ["Harris County", "Miami Police", "Florida Highway"]
    assert names("state=FL") == ["Miami Police", "Florida Highway"]
    assert names("model=JEM") == ["Harris County"]
    assert names("model=WSO&state=FL") == ["Florida Highway"]
    assert names("type=municipal") == ["Miami Police"]
    assert names("status=pending") == []
    assert names("status=participating&model=TFM") == ["Harris County", "Miami Police"]
    assert names("q=harris+sheriff%E2%80%99s") == ["Harris County"]
    assert names("q=_arris") == []  # LIKE wildcards are escaped
    assert names("state=ZZ&model=nope&page=abc") == [
        "Harris County",
        "Miami Police",
        "Florida Highway",
    ]


def test_agency_list_is_paged_with_a_fixed_number_of_queries(login_as, session, count_queries):
    m = login_as("member")
    _seed(session, 5)
    m.get("/agencies")  # warm-up: the session's user is loaded the same way each time
    with count_queries() as small:
        assert m.get("/agencies").status_code == 200
    _seed(session, 700)  # 2,115 agreements in all
    with count_queries() as large:
        response = m.get("/agencies?model=TFM&status=participating&state=TX")
    assert response.status_code == 200
    assert "Page 1 of 15" in response.get_data(as_text=True)
    # the user, COUNT, the page, its agreements (one IN query), the status totals
    assert large.count == small.count == 5
    with count_queries() as last:
        html = m.get("/agencies?page=15").get_data(as_text=True)
    assert last.count == small.count and "Seed 00704" in html


def test_agency_page_shows_history_and_redirects_aliases(login_as, session):
    import_workbook(
        session,
        build_workbook([agreement(agency="Lake Clark Shores PD")]),
        file_name="a.xlsx",
        as_of=date(2026, 1, 1),
    )
    report = import_workbook(
        session,
        build_workbook([agreement(agency="Lake Clarke Shores PD")]),
        file_name="b.xlsx",
        as_of=date(2026, 2, 1),
    )
    session.commit()
    m = login_as("member")
    new_id = report.diff["renames"][0]["new_agency_id"]
    old_id = report.diff["renames"][0]["old_agency_id"]
    proposal_id = report.rename_proposal_ids[0]

    snapshot_html = m.get(f"/agencies/snapshots/{report.snapshot_id}").get_data(as_text=True)
    assert "Lake Clark Shores PD" in snapshot_html and "awaiting a coordinator" in snapshot_html
    assert m.post(f"/agencies/renames/{proposal_id}/confirm").status_code == 403

    c = login_as("coordinator")
    assert "Confirm rename" in c.get(f"/agencies/snapshots/{report.snapshot_id}").get_data(
        as_text=True
    )
    assert c.post(f"/agencies/renames/{proposal_id}/confirm").status_code == 302
    assert (
        reload(session, session.get(RenameProposal, proposal_id)).status == RenameStatus.CONFIRMED
    )
    assert c.post(f"/agencies/renames/{proposal_id}/confirm").status_code == 409

    assert m.get(f"/agencies/{old_id}").headers["Location"].endswith(f"/agencies/{new_id}")
    html = m.get(f"/agencies/{new_id}").get_data(as_text=True)
    assert "Also listed by ICE as: Lake Clark Shores PD" in html
    assert "2026-01-01" in html and "2026-02-01" in html  # both lists in the history
    assert m.get("/agencies/999999").status_code == 404


def test_snapshot_list(login_as, session):
    import_workbook(session, build_workbook([agreement()]), file_name="one.xlsx")
    session.commit()
    html = login_as("member").get("/agencies/snapshots").get_data(as_text=True)
    assert "one.xlsx" in html


def test_an_older_list_uploaded_after_a_newer_one_says_it_joined_the_history(login_as, session):
    c = login_as("coordinator")
    for name in ("participating-2026-03-02.xlsx", "participating-2025-05-16.xlsx"):
        response = _upload(c, (ICE_DATA_DIR / name).read_bytes(), name)
        assert response.status_code == 302
    page = c.get(response.headers["Location"], follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "older than the newest list imported (2026-03-02): it was added to the history" in html
    assert "first seen on this list" in html and "Not on any newer list" in html
    assert "new agreements" not in html and "New agreements" not in html
