"""POST /api/v1/petitions/{id}/signatures: the public page's signing, through a token."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.letters.models import LetterStatus
from campaign.mail.models import OutboxMessage
from campaign.signons.models import SignOn, SignOnStatus
from tests.api.helpers import check
from tests.letters.factories import make_letter


def body(**over):
    """A sign-on as a partner's form would post it (OSDI record_signature_helper)."""
    doc = {
        "person": {
            "given_name": "Ana",
            "family_name": "Pérez",
            "email_addresses": [{"address": "ana@tcrp.example", "primary": True}],
        },
        "coalition:organization": "Texas Civil Rights Project",
        "coalition:signer_title": "Director",
        "coalition:level": "state",
        "coalition:state": "TX",
        "coalition:authorized": True,
        "comments": "Glad to sign.",
    }
    doc.update(over)
    return doc


def _counts(session):
    session.expire_all()
    return (
        session.scalar(sa.select(sa.func.count()).select_from(SignOn)),
        session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)),
    )


def test_a_partner_records_a_pending_sign_on_and_the_signer_gets_the_email(session, api_as):
    letter = make_letter(session)
    letter_id = letter.id
    api = api_as("member")
    response = api.post(f"/api/v1/petitions/{letter_id}/signatures", json=body())
    assert response.status_code == 201, response.json
    check(response.json, "signature")
    assert response.json["coalition:status"] == "pending"
    assert "email_addresses" not in response.json["person"]  # a member's token
    assert response.headers["Location"] == response.json["_links"]["self"]["href"]
    signon = session.scalar(sa.select(SignOn).where(SignOn.letter_id == letter_id))
    assert (signon.org_name, signon.signer_name, signon.signer_email, signon.state) == (
        "Texas Civil Rights Project",
        "Ana Pérez",
        "ana@tcrp.example",
        "TX",
    )
    assert signon.status == SignOnStatus.PENDING and signon.confirmed_at is None
    mail = session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.to_addr == "ana@tcrp.example")
    )
    assert mail is not None and f"/sign/{letter.slug}/confirm/" in mail.body_text
    audit = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "api.signon.record"))
    assert audit.user_id == api.user.id and audit.entity_id == signon.id


def test_the_same_organization_again_adds_nothing(session, api_as):
    letter_id = make_letter(session).id
    api = api_as("coordinator")
    first = api.post(f"/api/v1/petitions/{letter_id}/signatures", json=body())
    again = api.post(
        f"/api/v1/petitions/{letter_id}/signatures",
        json=body(**{"coalition:organization": "texas  civil rights project"}),
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json["identifiers"] == first.json["identifiers"]
    assert _counts(session)[0] == 1


def test_bad_input_names_every_field_and_stores_nothing(session, api_as):
    letter_id = make_letter(session).id
    api = api_as("member")
    before = _counts(session)
    url = f"/api/v1/petitions/{letter_id}/signatures"
    response = api.post(
        url, json={"person": {"email_addresses": []}, "coalition:level": "galactic"}
    )
    assert response.status_code == 422
    check(response.json, "error")
    fields = {e["field"] for e in response.json["errors"]}
    assert {
        "coalition:organization",
        "coalition:authorized",
        "coalition:level",
        "person.email_addresses",
    } <= fields
    # the public form's own rules and messages
    response = api.post(url, json=body(**{"coalition:state": ""}))
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "field": "coalition:state",
            "message": "Choose the state for a state or local organization.",
        }
    ]
    bad_email = body(person={"given_name": "A", "email_addresses": [{"address": "not-an-email"}]})
    response = api.post(url, json=bad_email)
    assert response.status_code == 422
    assert "person.email_addresses" in {e["field"] for e in response.json["errors"]}
    response = api.post(url, json=body(**{"coalition:letter_version": 99}))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "coalition:letter_version"
    for raw in ("not json", "[1, 2]"):
        response = api.post(url, data=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        check(response.json, "error")
    assert _counts(session) == before


def test_a_closed_or_draft_letter_refuses(session, api_as):
    api = api_as("member")
    for status in (LetterStatus.CLOSED, LetterStatus.DRAFT):
        letter_id = make_letter(session, status=status).id
        response = api.post(f"/api/v1/petitions/{letter_id}/signatures", json=body())
        assert response.status_code == 422
        assert "no longer accepts" in response.json["error"]
    assert _counts(session)[0] == 0


def test_a_coordinator_may_record_it_confirmed_audited_and_nobody_is_emailed(session, api_as):
    letter_id = make_letter(session).id
    api = api_as("coordinator")
    response = api.post(f"/api/v1/petitions/{letter_id}/signatures", json=body(confirmed=True))
    assert response.status_code == 201, response.json
    assert response.json["coalition:status"] == "confirmed"
    assert response.json["person"]["email_addresses"][0]["address"] == "ana@tcrp.example"
    session.expire_all()
    signon = session.scalar(sa.select(SignOn).where(SignOn.letter_id == letter_id))
    assert signon.status == SignOnStatus.CONFIRMED and signon.confirmed_at is not None
    assert signon.organization_id is not None  # the directory took it in, as on confirming
    assert _counts(session)[1] == 0
    audit = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "api.signon.confirmed"))
    assert audit.user_id == api.user.id


def test_a_members_token_cannot_skip_confirmation(session, api_as):
    letter_id = make_letter(session).id
    api = api_as("member")
    response = api.post(f"/api/v1/petitions/{letter_id}/signatures", json=body(confirmed=True))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "confirmed"
    assert _counts(session) == (0, 0)


def test_the_daily_mail_limit_of_an_address_holds(app, session, api_as):
    app.config["SIGNON_MAIL_LIMIT"] = "1 per day"
    try:
        letter_id = make_letter(session).id
        api = api_as("member")
        url = f"/api/v1/petitions/{letter_id}/signatures"
        assert api.post(url, json=body()).status_code == 201
        other = body(**{"coalition:organization": "Another Group"})
        response = api.post(url, json=other)
        assert response.status_code == 429
        assert response.json["errors"][0]["field"] == "person.email_addresses"
    finally:
        app.config["SIGNON_MAIL_LIMIT"] = "10 per day"


def test_a_form_message_reaches_the_json_as_plain_text(session, api_as):
    """The public form's lazily translated messages were HTML-escaped into the JSON."""
    letter_id = make_letter(session).id
    response = api_as("member").post(
        f"/api/v1/petitions/{letter_id}/signatures", json=body(**{"coalition:organization": "   "})
    )
    assert response.status_code == 422
    assert {"field": "coalition:organization", "message": "Enter your organization's name."} in (
        response.json["errors"]
    )
