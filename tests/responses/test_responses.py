"""Responses: moderated intake, transitions through responses, attachments, mail, roles."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.core.clock import local_today
from campaign.demands.models import Demand, DemandEvent, DemandStatus
from campaign.letters.models import LetterStatus
from campaign.mail.models import OutboxMessage
from campaign.mail.transport import SMTPTransport
from campaign.mail.worker import deliver_due
from campaign.responses.models import (
    Response,
    ResponseAttachment,
    ResponseOutcome,
    ResponseStatus,
)
from campaign.signons.models import Level, SignOnStatus
from tests import factories
from tests.demands.factories import create_actor, create_agency, create_demand_row
from tests.letters.factories import make_letter
from tests.responses import data
from tests.responses.factories import make_response

S = DemandStatus
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _form(**kw):
    values = {
        "received_on": local_today("America/New_York").isoformat(),
        "channel": "letter",
        "source": "person",
        "agency_state": "",
        "agency_name": "",
        "from_name": "Sheriff Jane Roe",
        "from_title": "Sheriff",
        "summary": "The sheriff refuses to end the agreement.",
        "full_text": "",
        "outcome": "denied",
    }
    values.update(kw)
    return values


@pytest.fixture
def demand(session):
    actor = create_actor(session)
    campaign = factories.create_campaign(session, actor=actor)
    agency = create_agency(session, name="Arcadia Police Department", state="FL")
    row = create_demand_row(
        session, campaign=campaign, agency=agency, status=S.AWAITING_RESPONSE,
        with_evidence=True, actor=actor,
    )  # fmt: skip
    # plain values: ORM objects made before a request are detached (and may be expired) after it
    return SimpleNamespace(
        id=row.id, title=row.title, campaign_id=row.campaign_id, agency_id=row.agency_id,
        slug=campaign.slug,
    )  # fmt: skip


def _get(session, model, ident):
    session.expire_all()
    return session.get(model, ident)


def _demand(session, d):
    return _get(session, Demand, d.id)


def _slug(obj):
    from campaign import db
    from campaign.campaigns.models import Campaign

    return (
        getattr(obj, "slug", None)
        if isinstance(obj, SimpleNamespace)
        else (db.session.get(Campaign, obj.campaign_id).slug)
    )


def _actions(session, response_id):
    return [
        e.action
        for e in session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "response", AuditEvent.entity_id == response_id)
            .order_by(AuditEvent.id)
        )
    ]


def test_member_response_waits_then_coordinator_approves(session, login_as, demand):
    slug = _slug(demand)
    member = login_as("member")
    r = member.post(f"/campaigns/{slug}/demands/{demand.id}/responses/new", data=_form())
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    response = session.scalar(sa.select(Response))
    rid = response.id
    assert response.status == ResponseStatus.PENDING and response.logged_by_id == member.user.id
    # from a person, no agency named: never credited to the demand's agency (issue 15)
    assert response.agency_id is None and response.source == "person"
    assert _demand(session, demand).status == S.AWAITING_RESPONSE
    page = member.get(f"/campaigns/{slug}/demands/{demand.id}").get_data(as_text=True)
    assert "Pending approval" in page and "The sheriff refuses" in page
    # a member cannot approve
    assert member.post(f"/campaigns/{slug}/responses/{rid}/approve").status_code == 403

    coordinator = login_as("coordinator")
    r = coordinator.post(f"/campaigns/{slug}/responses/{rid}/approve")
    assert r.status_code == 302
    response = _get(session, Response, rid)
    assert response.status == ResponseStatus.APPROVED
    assert response.reviewed_by_id == coordinator.user.id and response.reviewed_at is not None
    assert (response.applied_from, response.applied_to) == (S.AWAITING_RESPONSE, S.DENIED)
    assert _demand(session, demand).status == S.DENIED
    event = session.scalar(
        sa.select(DemandEvent).where(DemandEvent.demand_id == demand.id,
                                     DemandEvent.to_status == S.DENIED)
    )  # fmt: skip
    assert event.user_id == coordinator.user.id and f"Response #{rid}" in event.note
    assert _actions(session, rid) == ["response.log", "response.approve"]
    # approving twice is refused
    again = coordinator.post(f"/campaigns/{slug}/responses/{rid}/approve")
    assert again.status_code == 302
    assert "already approved" in coordinator.get(again.headers["Location"]).get_data(as_text=True)


def test_coordinator_rejects_with_a_reason(session, login_as, demand):
    slug = _slug(demand)
    response = make_response(session, demand=_demand(session, demand), outcome=ResponseOutcome.MET)
    rid = response.id
    assert response.status == ResponseStatus.PENDING
    c = login_as("coordinator")
    url = f"/campaigns/{slug}/responses/{rid}/reject"
    r = c.post(url, data={"reason": ""})
    assert r.status_code == 400 and "This field is required" in r.get_data(as_text=True)
    assert c.post(url, data={"reason": "Hearsay: no written confirmation."}).status_code == 302
    response = _get(session, Response, rid)
    assert response.status == ResponseStatus.REJECTED
    assert response.rejection_reason == "Hearsay: no written confirmation."
    assert _demand(session, demand).status == S.AWAITING_RESPONSE
    assert _actions(session, rid) == ["response.log", "response.reject"]
    # a rejected response is out of the timeline, and cannot be approved afterwards
    page = c.get(f"/campaigns/{slug}/demands/{demand.id}").get_data(as_text=True)
    assert "The agency acknowledged the letter." not in page
    c.post(f"/campaigns/{slug}/responses/{rid}/approve")
    assert _get(session, Response, rid).status == ResponseStatus.REJECTED
    assert _demand(session, demand).status == S.AWAITING_RESPONSE


def test_coordinator_response_applies_at_once(session, login_as, demand):
    slug = _slug(demand)
    c = login_as("coordinator")
    r = c.post(
        f"/campaigns/{slug}/demands/{demand.id}/responses/new",
        data=_form(outcome="meeting_scheduled", channel="phone_call"),
    )
    assert r.status_code == 302
    response = session.scalar(sa.select(Response))
    assert response.status == ResponseStatus.APPROVED and response.reviewed_by_id == c.user.id
    assert _demand(session, demand).status == S.MEETING_SCHEDULED
    assert "Meeting scheduled" in c.get(r.headers["Location"]).get_data(as_text=True)


def test_member_response_that_changes_nothing_is_recorded_at_once(session, login_as, demand):
    slug = _slug(demand)
    member = login_as("member")
    for outcome in ("none", "answer_promised"):  # the second is the status it already has
        r = member.post(
            f"/campaigns/{slug}/demands/{demand.id}/responses/new", data=_form(outcome=outcome)
        )
        assert r.status_code == 302
    rows = session.scalars(sa.select(Response)).all()
    assert [r.status for r in rows] == [ResponseStatus.APPROVED] * 2
    assert all(r.applied_to is None for r in rows)
    assert _demand(session, demand).status == S.AWAITING_RESPONSE


def test_transition_not_allowed_is_refused_when_logging(session, login_as, demand):
    slug = _slug(demand)
    row = _demand(session, demand)
    row.status = S.MET
    session.commit()
    for role in ("member", "coordinator"):
        r = login_as(role).post(
            f"/campaigns/{slug}/demands/{demand.id}/responses/new", data=_form(outcome="denied")
        )
        assert r.status_code == 400
        assert "cannot go to “Denied”" in r.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_approval_refused_when_the_demand_moved_meanwhile(session, login_as, demand):
    slug = _slug(demand)
    response = make_response(
        session, demand=_demand(session, demand), outcome=ResponseOutcome.MEETING_SCHEDULED
    )
    rid = response.id
    coordinator = login_as("coordinator")
    r = coordinator.post(
        f"/campaigns/{slug}/demands/{demand.id}/transition",
        data={"to": "met", "reason": "Agreement terminated"},
    )
    assert r.status_code == 302
    r = coordinator.post(f"/campaigns/{slug}/responses/{rid}/approve")
    page = coordinator.get(r.headers["Location"]).get_data(as_text=True)
    assert "Cannot approve: the demand is “Met” and cannot go to “Meeting scheduled”" in page
    assert _get(session, Response, rid).status == ResponseStatus.PENDING
    assert _demand(session, demand).status == S.MET


def test_letter_responses_need_approval_and_no_outcome(session, login_as):
    letter = make_letter(session, status=LetterStatus.SENT)
    slug = _slug(letter)
    member = login_as("member")
    url = f"/campaigns/{slug}/letters/{letter.id}/responses/new"
    assert member.get(url).status_code == 200
    r = member.post(url, data=_form(outcome="denied"))
    assert r.status_code == 400  # "denied" is not offered for a letter
    r = member.post(url, data=_form(outcome="none", summary="DHS will review the program."))
    assert r.status_code == 302
    response = session.scalar(sa.select(Response))
    assert response.status == ResponseStatus.PENDING and response.letter_id == letter.id
    page = member.get(f"/campaigns/{slug}/letters/{letter.id}").get_data(as_text=True)
    assert "DHS will review the program." in page and "Pending approval" in page
    draft = make_letter(session, campaign=letter.campaign if False else None,
                        status=LetterStatus.DRAFT)  # fmt: skip
    r = login_as("coordinator").post(
        f"/campaigns/{_slug(draft)}/letters/{draft.id}/responses/new", data=_form(outcome="none")
    )
    assert r.status_code == 400 and "draft letter" in r.get_data(as_text=True)


def test_letter_page_shows_the_state_of_its_demands(session, login_as, demand):
    from campaign.letters.models import Letter

    letter = make_letter(session, campaign=_campaign(session, demand))
    lid = letter.id
    row = _demand(session, demand)
    row.letter_id = lid
    row.due_on = local_today("America/New_York") - timedelta(days=3)
    session.commit()
    page = login_as("member").get(f"/campaigns/{demand.slug}/letters/{lid}")
    html = page.get_data(as_text=True)
    assert "Demands delivered with this letter" in html and demand.title in html
    assert "1 overdue" in html and "Awaiting response: 1" in html
    assert isinstance(session.get(Letter, lid), Letter)


def _campaign(session, obj):
    from campaign.campaigns.models import Campaign

    return session.get(Campaign, obj.campaign_id)


def test_demand_form_offers_only_the_campaigns_letters(session, login_as, demand):
    slug = _slug(demand)
    own = make_letter(session, campaign=_campaign(session, demand), title="Our letter")
    foreign = make_letter(session, title="Someone else's letter")
    c = login_as("coordinator")
    page = c.get(f"/campaigns/{slug}/demands/{demand.id}/edit").get_data(as_text=True)
    assert "Our letter" in page and "Someone else" not in page
    base = {"addressed_to": "DHS", "title": "T", "ask": "A", "priority": "normal"}
    r = c.post(
        f"/campaigns/{slug}/demands/{demand.id}/edit", data={**base, "letter_id": foreign.id}
    )
    assert r.status_code == 400 and "Not a valid choice" in r.get_data(as_text=True)
    r = c.post(f"/campaigns/{slug}/demands/{demand.id}/edit", data={**base, "letter_id": own.id})
    assert r.status_code == 302 and _demand(session, demand).letter_id == own.id
    # editing again without touching the select keeps the letter
    page = c.get(f"/campaigns/{slug}/demands/{demand.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{own.id}">' in page


# --- mail to signers who asked to be kept informed -----------------------------------


def _signers(session, letter):
    at = datetime(2026, 5, 1, 15, tzinfo=UTC)
    data.signons(session, letter, [
        (Level.STATE, SignOnStatus.CONFIRMED, at, "ana@example.org", True),
        # the same person signing for a second organization, spelled differently
        (Level.LOCAL, SignOnStatus.APPROVED, at, "Ana@Example.org", True),
        (Level.NATIONAL, SignOnStatus.APPROVED, at, "bo@example.org", True),
        (Level.LOCAL, SignOnStatus.CONFIRMED, at, "quiet@example.org", False),
        (Level.LOCAL, SignOnStatus.PENDING, None, "unconfirmed@example.org", True),
        (Level.LOCAL, SignOnStatus.REJECTED, at, "rejected@example.org", True),
        (Level.LOCAL, SignOnStatus.WITHDRAWN, at, "withdrawn@example.org", True),
    ])  # fmt: skip
    session.commit()


def test_approved_letter_response_emails_keep_informed_signers_once(
    session, login_as, smtp_server, worker_sessions
):
    letter = make_letter(session, status=LetterStatus.SENT, title="End 287(g) now")
    _signers(session, letter)
    response = make_response(session, letter=letter, summary="DHS says it will review 287(g).")
    rid = response.id
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0  # pending
    coordinator = login_as("coordinator")
    r = coordinator.post(f"/campaigns/{_slug(letter)}/responses/{rid}/approve")
    assert r.status_code == 302
    transport = SMTPTransport(smtp_server.host, smtp_server.port)
    assert deliver_due(worker_sessions, transport, "coalition@example.org") == (2, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == ["ana@example.org", "bo@example.org"]
    for message in smtp_server.messages:
        assert message["Subject"] == "A response to “End 287(g) now”"
        assert not message.is_multipart()  # a short text, no attachment
        body = message.get_content()
        assert "DHS says it will review 287(g)." in body and "Pat Official" in body
    assert "response.notify" in _actions(session, rid)


def test_no_mail_for_rejected_or_demand_responses(session, login_as, demand):
    letter = make_letter(session, campaign=_campaign(session, demand), status=LetterStatus.SENT)
    _signers(session, letter)
    slug, row = _slug(letter), _demand(session, demand)
    row.letter_id = letter.id
    session.commit()
    rejected = make_response(session, letter=letter).id
    c = login_as("coordinator")
    c.post(f"/campaigns/{slug}/responses/{rejected}/reject", data={"reason": "Spam"})
    # a response to a demand delivered with the letter is shown on the letter page, not mailed
    make_response(
        session, demand=_demand(session, demand), outcome=ResponseOutcome.DENIED, actor=c.user
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_long_summaries_are_shortened_in_the_email(session, app):
    from campaign.responses.services import SUMMARY_IN_EMAIL

    letter = make_letter(session, status=LetterStatus.SENT)
    _signers(session, letter)
    with app.app_context():  # the email template is rendered by Flask
        make_response(session, letter=letter, summary="word " * 500, actor=create_actor(session))
    (first, _second) = session.scalars(sa.select(OutboxMessage)).all()
    assert "…" in first.body_text and len(first.body_text) < SUMMARY_IN_EMAIL + 600


# --- attachments --------------------------------------------------------------------


def _files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_attachment_rules_and_serving(session, login_as, client, app, demand):
    slug = _slug(demand)
    member = login_as("member")
    url = f"/campaigns/{slug}/demands/{demand.id}/responses/new"
    before = _files(app)
    for content, name in [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.pdf"),
        (b"%PDF-1.4 without an end", "cut.pdf"),
        (b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024) + b"\n%%EOF\n", "big.pdf"),
    ]:
        r = member.post(url, data=_form(outcome="none", attachment=(io.BytesIO(content), name)))
        assert r.status_code == 400, name
        assert "PNG, JPEG or PDF" in r.get_data(as_text=True) or "larger than 20 MB" in (
            r.get_data(as_text=True)
        )
    # nothing half-stored: no response, no file
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert _files(app) == before

    r = member.post(
        url,
        data=_form(outcome="none", attachment=(io.BytesIO(PDF), "../../letter from sheriff.pdf")),
    )
    assert r.status_code == 302
    response = session.scalar(sa.select(Response))
    rid = response.id
    item = session.scalar(sa.select(ResponseAttachment))
    assert (item.kind, item.original_name) == ("pdf", "letter from sheriff.pdf")
    served = f"/campaigns/{slug}/responses/{rid}/attachments/{item.id}"
    got = member.get(served)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "letter from sheriff.pdf" in got.headers["Content-Disposition"]
    anonymous = client.get(served)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    # the same file twice is refused; another file is attached from the detail page
    again = member.post(
        f"/campaigns/{slug}/responses/{rid}/attachments",
        data={"attachment": (io.BytesIO(PDF), "again.pdf")},
    )
    assert again.status_code == 409 or again.status_code == 400
    assert "already attached" in again.get_data(as_text=True)
    other = make_response(session, demand=_demand(session, demand))
    assert (
        member.get(f"/campaigns/{slug}/responses/{other.id}/attachments/{item.id}").status_code
        == 404
    )
    assert "response.attach" in _actions(session, rid)


# --- roles and scoping --------------------------------------------------------------


def test_authorization_on_every_route(session, client, login_as, demand):
    slug = _slug(demand)
    response = make_response(
        session, demand=_demand(session, demand), outcome=ResponseOutcome.DENIED
    )
    rid = response.id
    base = f"/campaigns/{slug}"
    member_routes = [
        ("GET", f"{base}/responses"),
        ("GET", f"{base}/responses/{rid}"),
        ("GET", f"{base}/demands/{demand.id}/responses/new"),
        ("POST", f"{base}/responses/{rid}/attachments"),
        ("GET", f"{base}/dashboard"),
        ("GET", f"{base}/overdue"),
        ("GET", "/overdue"),
        ("POST", f"{base}/demands/{demand.id}/follow-ups"),
    ]
    coordinator_routes = [
        ("POST", f"{base}/responses/{rid}/approve"),
        ("POST", f"{base}/responses/{rid}/reject"),
    ]
    for method, url in member_routes + coordinator_routes:
        r = client.open(url, method=method, data={})
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
    member = login_as("member")
    for method, url in coordinator_routes:
        assert member.open(url, method=method, data={}).status_code == 403, url
    for method, url in member_routes:
        assert member.open(url, method=method, data={}).status_code in (200, 400), url


def test_responses_of_another_campaign_are_404(session, login_as, demand, make_campaign):
    response = make_response(session, demand=_demand(session, demand))
    rid = response.id
    other = make_campaign(name="Other")
    c = login_as("admin")
    for method, tail in [
        ("GET", ""), ("POST", "/approve"), ("POST", "/reject"), ("POST", "/attachments"),
        ("GET", "/attachments/1"),
    ]:  # fmt: skip
        r = c.open(f"/campaigns/{other.slug}/responses/{rid}{tail}", method=method)
        assert r.status_code == 404, tail
    assert c.get(f"/campaigns/{other.slug}/demands/{demand.id}/responses/new").status_code == 404


def test_response_list_runs_a_fixed_number_of_queries(session, login_as, count_queries):
    campaign = factories.create_campaign(session)
    user = create_actor(session)
    c = login_as("member")
    counts = []
    for n in (3, 120):
        ids = data.demands(session, campaign, data.agencies(session, n, prefix=f"R{n}"))
        data.responses(session, campaign, ids, user.id)
        session.commit()
        with count_queries() as q:
            page = c.get(f"/campaigns/{campaign.slug}/responses")
        assert page.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_nul_characters_never_reach_the_database(session, login_as, demand):
    url = f"/campaigns/{demand.slug}/demands/{demand.id}/responses/new"
    r = login_as("member").post(url, data=_form(outcome="none", summary="nul\x00byte"))
    assert r.status_code == 302
    assert session.scalar(sa.select(Response.summary)) == "nulbyte"
