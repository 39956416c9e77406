"""Issue 16 finding 4: sessions end when they should, even for a copied cookie.

Before: the session was a signed cookie and nothing else, so a copy of it stayed good
after logout, a password change or reset, and a deactivation (once reactivated).
"""

from __future__ import annotations

import sqlalchemy as sa

from campaign.auth.models import Role
from campaign.mail.models import OutboxMessage
from tests.factories import PASSWORD, reload

COOKIE = "campaign_session"


def _copy(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    domain = app.config["SERVER_NAME"]
    cookie = client.get_cookie(COOKIE, domain=domain)
    assert cookie is not None
    other = app.test_client()
    other.set_cookie(COOKIE, cookie.value, domain=domain)
    return other


def _logged_in(c) -> bool:
    return c.get("/campaigns").status_code == 200


def test_logout_ends_that_session_for_a_copied_cookie(app, client, make_user):
    client.login(make_user())
    stolen = _copy(app, client)
    assert _logged_in(stolen)
    client.post("/logout")
    assert not _logged_in(stolen)
    assert not _logged_in(client)


def test_logout_leaves_the_users_other_sessions(app, client, make_user):
    user = make_user()
    client.login(user)
    laptop = app.test_client()
    laptop.login(user)
    client.post("/logout")
    assert _logged_in(laptop)


def test_changing_your_password_ends_your_other_sessions(app, client, make_user, session):
    user = make_user()
    client.login(user)
    laptop = app.test_client()
    laptop.login(user)
    stolen = _copy(app, client)
    new = "a brand new passphrase for me"
    answer = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": new, "confirm": new},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:400]
    assert _logged_in(client)  # the browser that changed it carries on
    assert not _logged_in(laptop)
    assert not _logged_in(stolen)  # a copy of the old cookie is worthless
    fresh = app.test_client()
    fresh.login(reload(session, user), password=new)
    # the owner is told (someone who stole the session cannot change it unseen)
    told = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "auth.account_changed")
    ).all()
    assert [m.to_addr for m in told] == [user.email]
    assert "Your password was changed" in told[0].body_text


def test_the_password_change_form_checks_the_current_password(client, make_user):
    client.login(make_user())
    new = "another fine passphrase here"
    wrong = client.post(
        "/account/password", data={"current_password": "not mine", "password": new, "confirm": new}
    )
    assert wrong.status_code == 400
    assert "not your current password" in wrong.get_data(as_text=True)
    differ = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": new, "confirm": new + "x"},
    )
    assert differ.status_code == 400 and "The two passwords differ" in differ.get_data(as_text=True)
    assert _logged_in(client)


def test_an_admins_password_reset_ends_every_session(app, client, make_user, login_as):
    user = make_user()
    client.login(user)
    admin = login_as("admin")
    new = "reset by the admin for you"
    answer = admin.post(
        f"/admin/users/{user.id}",
        data={"name": user.name, "role": "member", "active": "y", "password": new},
    )
    assert answer.status_code == 302
    assert not _logged_in(client)
    assert _logged_in(admin)


def test_deactivation_ends_sessions_for_good(app, client, make_user, login_as, session):
    user = make_user()
    client.login(user)
    admin = login_as("admin")
    form = {"name": user.name, "role": "member"}
    assert admin.post(f"/admin/users/{user.id}", data=form).status_code == 302  # inactive
    assert admin.post(f"/admin/users/{user.id}", data={**form, "active": "y"}).status_code == 302
    assert reload(session, user).active
    assert not _logged_in(client)  # reactivation does not bring the old session back


def test_an_admin_logs_a_user_out_everywhere(app, client, make_user, login_as):
    user = make_user(role=Role.COORDINATOR)
    client.login(user)
    laptop = app.test_client()
    laptop.login(user)
    admin = login_as("admin")
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Logged in on 2 browsers" in page
    url = f"/admin/users/{user.id}/logout-everywhere"
    assert admin.post(url).status_code == 302  # no ticked box: nothing happens
    assert _logged_in(client)
    assert admin.post(url, data={"confirm": "y"}).status_code == 302
    assert not _logged_in(client) and not _logged_in(laptop)
    assert _logged_in(admin)


def test_log_out_your_other_sessions(app, client, make_user):
    user = make_user()
    client.login(user)
    laptop = app.test_client()
    laptop.login(user)
    assert client.post("/account/logout-others", data={"confirm": "y"}).status_code == 302
    assert _logged_in(client) and not _logged_in(laptop)


def test_a_login_ends_after_the_session_lifetime(app, client, make_user, monkeypatch):
    client.login(make_user())
    assert _logged_in(client)
    monkeypatch.setitem(app.config, "SESSION_HOURS", 0)
    assert not _logged_in(client)
