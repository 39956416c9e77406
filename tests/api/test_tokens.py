"""Personal API tokens: made on the account page or the command line, shown once, stored
as a hash, scoped, revocable at once; an admin sees and revokes everyone's."""

from __future__ import annotations

import re

import sqlalchemy as sa

from campaign.api.models import ApiToken
from campaign.api.tokens import hash_token
from campaign.audit.models import AuditEvent
from campaign.auth.models import Role, User
from tests import factories
from tests.api.conftest import ApiClient
from tests.letters.factories import make_letter

TOKEN = re.compile(r"cmp_[A-Za-z0-9_-]{40,}")


def test_the_command_line_prints_a_token_that_works_with_either_header(app, session, runner):
    user = factories.create_user(session, role=Role.COORDINATOR)
    result = runner.invoke(args=["api-token", "create", user.email, "--scope", "read"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert TOKEN.fullmatch(raw)
    row = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.token_hash == hash_token(raw) and raw not in (row.token_hash, row.prefix)
    assert row.scopes == "read"
    token_id = row.id
    plain = app.test_client(use_cookies=False)
    assert plain.get("/api/v1/", headers={"OSDI-API-Token": raw}).status_code == 200
    assert plain.get("/api/v1/", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    listed = runner.invoke(args=["api-token", "list"])
    assert user.email in listed.output and raw not in listed.output
    session.expire_all()
    assert session.get(ApiToken, token_id).last_used_at is not None


def test_no_token_or_a_wrong_one_is_401(app, session):
    plain = app.test_client(use_cookies=False)
    for headers in (
        {},
        {"OSDI-API-Token": "cmp_nope"},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic abc"},
    ):
        response = plain.get("/api/v1/petitions", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]
        assert "WWW-Authenticate" in response.headers


def test_a_revoked_token_gets_401_at_once(app, session, runner, api_as):
    api = api_as("member")
    assert api.get("/api/v1/petitions").status_code == 200
    token_id = session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == api.user.id))
    result = runner.invoke(args=["api-token", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    assert api.get("/api/v1/petitions").status_code == 401


def test_a_deactivated_accounts_token_stops(session, api_as):
    api = api_as("coordinator")
    session.get(User, api.user.id).active = False
    session.commit()
    assert api.get("/api/v1/petitions").status_code == 401


def test_a_read_token_cannot_record_sign_ons(session, api_as):
    letter = make_letter(session)
    api = api_as("coordinator", scopes=("read",))
    response = api.post(f"/api/v1/petitions/{letter.id}/signatures", json={})
    assert response.status_code == 403
    assert "write:signons" in response.json["error"]


def test_the_account_page_shows_a_new_token_once_and_revokes_it(app, session, login_as):
    browser = login_as("member")
    page = browser.get("/account")
    assert "/account/api-tokens" in page.get_data(as_text=True)
    response = browser.post(
        "/account/api-tokens", data={"name": "Action Network sync", "scopes": ["read"]}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    raw = TOKEN.search(response.get_data(as_text=True)).group(0)
    again = browser.get("/account/api-tokens").get_data(as_text=True)
    assert raw not in again and "Action Network sync" in again
    api = ApiClient(app, raw, browser.user)
    assert api.get("/api/v1/petitions").status_code == 200
    token_id = session.scalar(sa.select(ApiToken.id).where(ApiToken.token_hash == hash_token(raw)))
    assert browser.post(f"/account/api-tokens/{token_id}/revoke").status_code == 302
    assert api.get("/api/v1/petitions").status_code == 401
    actions = set(
        session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.entity == "api_token", AuditEvent.entity_id == token_id
            )
        )
    )
    assert actions == {"api_token.create", "api_token.revoke"}


def test_a_token_form_without_scope_is_refused(login_as):
    browser = login_as("member")
    response = browser.post("/account/api-tokens", data={"name": "x"})
    assert response.status_code == 400
    assert not TOKEN.search(response.get_data(as_text=True))


def test_only_the_owner_or_an_admin_revokes(app, session, login_as, api_as):
    owner = api_as("member")
    token_id = session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == owner.user.id))
    other = login_as("coordinator")
    assert other.post(f"/account/api-tokens/{token_id}/revoke").status_code == 404
    assert other.get("/account/api-tokens/all").status_code == 403
    assert owner.get("/api/v1/petitions").status_code == 200
    admin = login_as("admin")
    listing = admin.get("/account/api-tokens/all").get_data(as_text=True)
    assert owner.user.email in listing
    assert admin.post(f"/account/api-tokens/{token_id}/revoke").status_code == 302
    assert owner.get("/api/v1/petitions").status_code == 401
    assert "Revoked" in admin.get("/account/api-tokens/all").get_data(as_text=True)


def test_tokens_are_rate_limited_each_on_its_own(app, session, api_as):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = api_as("member"), api_as("member")
        codes = [first.get("/api/v1/petitions").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert first.get("/api/v1/petitions").json["error"]
        assert second.get("/api/v1/petitions").status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "600 per minute; 20000 per hour"
