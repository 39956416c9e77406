"""Logging in and out, wrong passwords, inactive users, throttling, CSRF."""

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.auth.models import Role
from tests.factories import PASSWORD, reload


def test_login_and_logout(client, make_user):
    user = make_user(role=Role.COORDINATOR)
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/campaigns").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/campaigns").status_code == 302


def test_login_redirects_to_a_local_next_only(client, make_user):
    user = make_user()
    ok = client.post("/login?next=/audit", data={"email": user.email, "password": PASSWORD})
    assert ok.headers["Location"] == "/audit"
    client.post("/logout")
    evil = client.post(
        "/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD}
    )
    assert evil.headers["Location"] == "/campaigns"


def test_wrong_password_is_refused_and_audited(client, make_user, session):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "not it at all"})
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert client.get("/campaigns").status_code == 302
    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.entity_id == user.id)
    ).all()
    assert "auth.login_failed" in actions


def test_unknown_email_gets_the_same_answer(client):
    response = client.post("/login", data={"email": "nobody@example.org", "password": "whatever12"})
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    assert client.get("/campaigns").status_code == 302


def test_deactivated_user_loses_their_session(client, make_user, session):
    user = make_user()
    client.login(user)
    reload(session, user).active = False
    session.commit()
    assert client.get("/campaigns").status_code == 302


def test_repeated_failures_are_throttled(client, make_user, app):
    user = make_user()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert (
            client.post("/login", data={"email": user.email, "password": "wrong-one!"}).status_code
            == 401
        )
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many" in blocked.get_data(as_text=True)


def test_successful_logins_do_not_count_toward_the_limit(client, make_user, app):
    user = make_user()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(limit + 2):
        assert (
            client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
            == 302
        )
        client.post("/logout")


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_logout_is_a_post_with_csrf(client, make_user):
    client.login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.get("/campaigns").status_code == 200


def test_a_session_used_from_another_browser_is_logged_out(client, make_user):
    user = make_user(role=Role.COORDINATOR)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/campaigns").status_code == 200
    # the same cookie, presented by a different user agent: "strong" session protection
    stolen = client.get("/campaigns", headers={"User-Agent": "Elsewhere/1.0"})
    assert stolen.status_code == 302 and "/login" in stolen.headers["Location"]


def test_anonymous_pages_do_not_rewrite_the_session_cookie(client):
    first = client.get("/login")
    assert any(c.startswith("campaign_session=") for c in first.headers.getlist("Set-Cookie"))
    # the visitor's session holds only a CSRF token: nothing to protect, nothing to rewrite
    again = client.get("/login")
    assert again.status_code == 200
    assert again.headers.getlist("Set-Cookie") == []
