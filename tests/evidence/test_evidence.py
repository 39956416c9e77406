"""Evidence: records, uploads checked by content, serving, links, search, soft delete, roles."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from campaign.audit.models import AuditEvent
from campaign.campaigns.models import Campaign
from campaign.demands.models import DemandEvidence, DemandStatus
from campaign.evidence.models import (
    EvidenceAttachment,
    EvidenceRecord,
    EvidenceType,
)
from campaign.evidence.search import evidence_query, search_text_for
from campaign.evidence.services import clean_filename
from tests.demands.factories import (
    create_actor,
    create_agency,
    create_demand_row,
    create_evidence_record,
)
from tests.factories import reload

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def _files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _form(**kw):
    data = {
        "type": "court_finding",
        "title": "Federal judge finds pattern of unlawful stops",
        "event_on": "2024-05-01",
        "source_url": "https://example.org/ruling",
        "citation": "Doe v. Sheriff, No. 1:23-cv-0001 (M.D. Fla. 2024)",
        "summary": "The court found deputies stopped Latino drivers without cause.",
        "agency_state": "",
        "agency_name": "",
    }
    data.update(kw)
    return data


def test_member_adds_a_record_with_an_agency_and_a_pdf(login_as, session, app):
    agency = create_agency(session, name="Arcadia Police Department", state="FL")
    c = login_as("member")
    response = c.post(
        "/evidence/new",
        data=_form(
            agency_state="FL",
            agency_name="ARCADIA police department",
            attachment=(io.BytesIO(PDF), "ruling.pdf"),
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    record = session.scalar(sa.select(EvidenceRecord))
    assert record.agency_id == agency.id and record.added_by_id == c.user.id
    assert record.type == EvidenceType.COURT_FINDING
    assert "latino drivers" in record.search_text
    item = session.scalar(sa.select(EvidenceAttachment))
    assert (item.kind, item.original_name, item.size) == ("pdf", "ruling.pdf", len(PDF))
    html = c.get(f"/evidence/{record.id}").get_data(as_text=True)
    assert "ruling.pdf" in html and "Arcadia Police Department" in html
    assert session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "evidence.attach"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source_url": "javascript:alert(1)"}, "http:// or https://"),
        ({"source_url": "ftp://example.org/x"}, "http:// or https://"),
        ({"source_url": "https://"}, "http:// or https://"),
        ({"title": "  "}, "This field is required"),
        ({"type": "rumour"}, "Not a valid choice"),
        ({"agency_state": "FL", "agency_name": "Nowhere PD"}, "No agency called"),
        ({"agency_state": "", "agency_name": "Nowhere PD"}, "Choose the agency"),
        ({"event_on": "2999-01-01"}, "cannot be in the future"),
    ],
)
def test_bad_fields_store_nothing(login_as, session, fields, message):
    response = login_as("member").post("/evidence/new", data=_form(**fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(EvidenceRecord)) == 0


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.svg"),
        (b"<html>not a pdf</html>", "report.pdf"),
        (b"GIF89a\x01\x00\x01\x00", "image.png"),
        (b"%PDF-1.4 truncated without end", "cut.pdf"),
    ],
)
def test_wrong_file_types_are_refused(login_as, session, app, content, name):
    before = _files(app)
    response = login_as("member").post(
        "/evidence/new", data=_form(attachment=(io.BytesIO(content), name))
    )
    assert response.status_code == 400
    assert "The file must be a PNG, JPEG or PDF file." in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(EvidenceRecord)) == 0
    assert _files(app) == before


def test_oversized_file_is_refused_and_nothing_is_stored(login_as, session, app):
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024) + b"\n%%EOF\n"
    record = create_evidence_record(session)
    c = login_as("member")
    before = _files(app)
    response = c.post("/evidence/new", data=_form(attachment=(io.BytesIO(big), "big.pdf")))
    assert response.status_code == 400
    assert "larger than 20 MB" in response.get_data(as_text=True)
    response = c.post(
        f"/evidence/{record.id}/attachments", data={"attachment": (io.BytesIO(big), "big.pdf")}
    )
    assert response.status_code == 400 and "larger than 20 MB" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(EvidenceRecord)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(EvidenceAttachment)) == 0
    assert _files(app) == before


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../etc/passwd.png", "passwd.png"),
        ("/abs/path/x.png", "x.png"),
        ("..", "attachment"),
        ("<script>.png", "_script_.png"),
    ],
)
def test_path_traversal_in_a_file_name_is_harmless(login_as, session, app, tmp_path, name, shown):
    record = create_evidence_record(session)
    c = login_as("member")
    data = png_bytes()
    response = c.post(
        f"/evidence/{record.id}/attachments", data={"attachment": (io.BytesIO(data), name)}
    )
    assert response.status_code == 302
    item = session.scalar(sa.select(EvidenceAttachment))
    assert item.original_name == shown
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    stored = root / item.sha256[:2] / item.sha256
    assert stored.read_bytes() == data
    assert all(p.resolve().is_relative_to(root) for p in _files(app))
    served = c.get(f"/evidence/{record.id}/attachments/{item.id}")
    assert served.status_code == 200 and served.data == data
    disposition = served.headers["Content-Disposition"]
    assert ".." not in disposition and "/" not in disposition and "\\" not in disposition


def test_clean_filename():
    assert clean_filename("C:\\Users\\x\\Report (final).PDF") == "Report (final).PDF"
    assert clean_filename("..\\..\\windows\\evil.png") == "evil.png"
    assert clean_filename("re\x00port\n<b>.png") == "report_b_.png"
    assert clean_filename("") == "attachment"
    assert len(clean_filename("a" * 500 + ".pdf")) == 200


def test_attachment_is_served_only_to_logged_in_users(login_as, client, session):
    record = create_evidence_record(session)
    c = login_as("member")
    c.post(f"/evidence/{record.id}/attachments", data={"attachment": (io.BytesIO(PDF), "a.pdf")})
    item = session.scalar(sa.select(EvidenceAttachment))
    url = f"/evidence/{record.id}/attachments/{item.id}"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    served = c.get(url)
    assert served.status_code == 200 and served.data == PDF
    assert served.mimetype == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    # saved as a file unless "view" is asked for (issue 16)
    assert served.headers["Content-Disposition"].startswith("attachment; filename=a.pdf")
    assert (
        c.get(url + "?view=1").headers["Content-Disposition"].startswith("inline; filename=a.pdf")
    )
    assert "no-store" in served.headers["Cache-Control"]
    other = create_evidence_record(session)
    assert c.get(f"/evidence/{other.id}/attachments/{item.id}").status_code == 404
    # the same file twice on one record is refused; nothing else is stored
    again = c.post(
        f"/evidence/{record.id}/attachments", data={"attachment": (io.BytesIO(PDF), "b.pdf")}
    )
    assert again.status_code == 400 and "already attached" in again.get_data(as_text=True)


def test_link_and_unlink_from_both_sides(login_as, session):
    actor = create_actor(session)
    agency = create_agency(session, name="Harris County Sheriff's Office", state="TX")
    demand = create_demand_row(session, agency=agency, title="End Harris", actor=actor)
    record = create_evidence_record(session, title="DOJ letter on Harris", agency=agency)
    c = login_as("member")
    slug = session.get(Campaign, demand.campaign_id).slug

    # from the evidence side: the agency's demands are suggested
    page = c.get(f"/evidence/{record.id}").get_data(as_text=True)
    assert "End Harris" in page
    assert "End Harris" in c.get(f"/evidence/{record.id}?dq=harris").get_data(as_text=True)
    response = c.post(f"/evidence/{record.id}/demands", data={"demand_id": demand.id, "note": ""})
    assert response.status_code == 400
    response = c.post(
        f"/evidence/{record.id}/demands", data={"demand_id": demand.id, "note": "DOJ finding."}
    )
    assert response.status_code == 302
    again = c.post(f"/evidence/{record.id}/demands", data={"demand_id": demand.id, "note": "Twice"})
    assert again.status_code == 400 and "already linked" in again.get_data(as_text=True)
    missing = c.post(f"/evidence/{record.id}/demands", data={"demand_id": 999999, "note": "x"})
    assert missing.status_code == 400 and "no demand with this number" in missing.get_data(
        as_text=True
    )
    demand_page = c.get(f"/campaigns/{slug}/demands/{demand.id}").get_data(as_text=True)
    assert "DOJ letter on Harris" in demand_page and "DOJ finding." in demand_page

    # unlink from the demand side, link again from the demand side, unlink from the evidence side
    assert (
        c.post(f"/campaigns/{slug}/demands/{demand.id}/evidence/{record.id}/unlink").status_code
        == 302
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(DemandEvidence)) == 0
    response = c.post(
        f"/campaigns/{slug}/demands/{demand.id}/evidence",
        data={"evidence_id": record.id, "note": "Back again."},
    )
    assert response.status_code == 302
    assert "End Harris" in c.get(f"/evidence/{record.id}").get_data(as_text=True)
    assert c.post(f"/evidence/{record.id}/demands/{demand.id}/unlink").status_code == 302
    assert c.post(f"/evidence/{record.id}/demands/{demand.id}/unlink").status_code == 404
    actions = session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.entity == "demand", AuditEvent.entity_id == demand.id)
        .where(AuditEvent.action.startswith("evidence."))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["evidence.link", "evidence.unlink", "evidence.link", "evidence.unlink"]
    assert reload(session, demand).status == DemandStatus.DRAFT


def test_search_by_words_and_filters(login_as, session):
    tx = create_agency(session, name="Harris County Sheriff", state="TX")
    fl = create_agency(session, name="Arcadia Police Department", state="FL")
    create_evidence_record(
        session,
        title="Deputies profiled drivers",
        summary="Traffic stops of Latino drivers",
        agency=tx,
        type=EvidenceType.DATA_ANALYSIS,
    )
    create_evidence_record(
        session,
        title="Death at the jail",
        citation="Peña v. County, 2023",
        agency=fl,
        type=EvidenceType.DEATH_IN_CUSTODY,
    )
    create_evidence_record(session, title="Sheriff's statement", summary="100% compliance_rate")
    gone = create_evidence_record(session, title="Deleted drivers report")
    gone.deleted_at = gone.created_at
    session.commit()

    def titles(**kw):
        return {r.title for r in session.scalars(evidence_query(**kw))}

    assert titles(q="drivers") == {"Deputies profiled drivers"}
    assert titles(q="LATINO   deputies") == {"Deputies profiled drivers"}
    assert titles(q="latino jail") == set()
    assert titles(q="pena") == {"Death at the jail"}  # accents folded
    assert titles(q="Peña, 2023") == {"Death at the jail"}
    assert titles(q="sheriff's") == {"Sheriff's statement"}
    assert titles(q="100%") == {"Sheriff's statement"}
    assert titles(q="compliance_rate") == {"Sheriff's statement"}
    assert titles(q="%") == titles()  # punctuation alone is no filter
    assert "Deleted drivers report" not in titles()
    assert titles(state="TX") == {"Deputies profiled drivers"}
    assert titles(agency_id=fl.id) == {"Death at the jail"}
    assert titles(agency_name="arcadia") == {"Death at the jail"}
    assert titles(type=EvidenceType.DEATH_IN_CUSTODY) == {"Death at the jail"}
    c = login_as("member")
    html = c.get("/evidence?q=drivers&state=TX&type=data_analysis").get_data(as_text=True)
    assert "Deputies profiled drivers" in html and "Death at the jail" not in html
    assert c.get("/evidence?type=bogus&state=ZZ&agency_id=x&page=-1").status_code == 200


def test_search_text_folding():
    # a word with an apostrophe is indexed whole and in parts (campaign.search.text)
    assert search_text_for("Peña’s  JAIL", None, "No. 1:23-cv") == "penas pena s jail no 1 23 cv"


def test_list_query_count_is_constant(login_as, session, count_queries):
    c = login_as("member")
    counts = []
    for n in (3, 70):
        while session.scalar(sa.select(sa.func.count()).select_from(EvidenceRecord)) < n:
            create_evidence_record(session, agency=create_agency(session))
        with count_queries() as q:
            assert c.get("/evidence?q=report").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_coordinator_edits_and_soft_deletes(login_as, session):
    agency = create_agency(session, name="Collier County Sheriff", state="FL")
    record = create_evidence_record(session, title="Old title", agency=agency)
    demand = create_demand_row(session, agency=agency, with_evidence=False)
    from campaign.demands.evidence import link_evidence

    link_evidence(session, demand, record, note="n", actor=create_actor(session))
    session.commit()
    member = login_as("member")
    assert member.get(f"/evidence/{record.id}/edit").status_code == 403
    assert member.post(f"/evidence/{record.id}/delete").status_code == 403
    c = login_as("coordinator")
    form = c.get(f"/evidence/{record.id}/edit").get_data(as_text=True)
    assert "Collier County Sheriff" in form
    response = c.post(
        f"/evidence/{record.id}/edit",
        data=_form(
            title="New unusual title", agency_state="FL", agency_name="Collier County Sheriff"
        ),
    )
    assert response.status_code == 302
    assert {r.title for r in session.scalars(evidence_query(q="unusual"))} == {"New unusual title"}
    assert c.post(f"/evidence/{record.id}/delete").status_code == 302
    assert reload(session, record).deleted_at is not None
    assert c.get(f"/evidence/{record.id}").status_code == 404
    assert "New unusual title" not in c.get("/evidence").get_data(as_text=True)
    assert list(session.scalars(evidence_query(q="unusual"))) == []
    campaign = session.get(Campaign, demand.campaign_id)
    page = c.get(f"/campaigns/{campaign.slug}/demands/{demand.id}").get_data(as_text=True)
    assert "New unusual title" not in page
    event = session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "evidence.delete", AuditEvent.entity_id == record.id
        )
    ).one()
    assert event.user_id == c.user.id
    assert c.post(f"/evidence/{record.id}/delete").status_code == 404


def test_authorization_on_every_route(login_as, client, session):
    record = create_evidence_record(session)
    demand = create_demand_row(session)
    c0 = login_as("member")
    c0.post(f"/evidence/{record.id}/attachments", data={"attachment": (io.BytesIO(PDF), "a.pdf")})
    item = session.scalar(sa.select(EvidenceAttachment))
    r = f"/evidence/{record.id}"
    member_routes = [
        ("GET", "/evidence", {}),
        ("GET", "/evidence/new", {}),
        ("POST", "/evidence/new", {"title": ""}),
        ("GET", r, {}),
        ("POST", f"{r}/attachments", {}),
        ("GET", f"{r}/attachments/{item.id}", {}),
        ("POST", f"{r}/demands", {"demand_id": demand.id, "note": "n"}),
        ("POST", f"{r}/demands/{demand.id}/unlink", {}),
    ]
    coordinator_routes = [
        ("GET", f"{r}/edit", {}),
        ("POST", f"{r}/edit", {"title": ""}),
        ("POST", f"{r}/delete", {}),
    ]
    for method, url, data in member_routes + coordinator_routes:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    member = login_as("member")
    for method, url, data in member_routes:
        response = member.open(url, method=method, data=data)
        assert response.status_code in (200, 302, 400), url
        assert "/login" not in response.headers.get("Location", ""), url
    for method, url, data in coordinator_routes:
        assert member.open(url, method=method, data=data).status_code == 403, url
    coordinator = login_as("coordinator")
    for method, url, data in coordinator_routes:
        assert coordinator.open(url, method=method, data=data).status_code in (200, 302, 400), url
    assert "Evidence" in member.get("/campaigns").get_data(as_text=True)
