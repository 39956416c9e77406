"""The admin's account pages."""

import sqlalchemy as sa

from campaign.audit.models import AuditEvent
from campaign.auth.models import Role, User
from tests.factories import PASSWORD, reload


def test_members_and_coordinators_get_403_on_admin_pages(login_as):
    for role in ("member", "coordinator"):
        c = login_as(role)
        assert c.get("/admin/users").status_code == 403
        assert c.post("/admin/users/new", data={"email": "x@example.org"}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_creates_a_user_who_can_log_in(login_as, session, client):
    admin = login_as("admin")
    response = admin.post(
        "/admin/users/new",
        data={
            "email": "New.Person@Example.org",
            "name": "New Person",
            "role": "member",
            "password": "a long enough pw",
        },
    )
    assert response.status_code == 302
    user = session.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    assert user is not None and user.role == Role.MEMBER
    event = session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "user.create", AuditEvent.entity_id == user.id
        )
    )
    assert event.user_id == admin.user.id
    assert (
        client.post(
            "/login", data={"email": user.email, "password": "a long enough pw"}
        ).status_code
        == 302
    )


def test_create_user_form_errors_show_per_field(login_as):
    admin = login_as("admin")
    response = admin.post(
        "/admin/users/new",
        data={"email": "not-an-email", "name": "", "role": "member", "password": "short"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Invalid email address" in html
    assert "at least 12 characters" in html


def test_duplicate_email_is_a_field_error(login_as, make_user):
    admin = login_as("admin")
    existing = make_user()
    response = admin.post(
        "/admin/users/new",
        data={
            "email": existing.email,
            "name": "Again",
            "role": "member",
            "password": "a long enough pw",
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_admin_changes_role_and_deactivates(login_as, make_user, session, client):
    admin = login_as("admin")
    user = make_user(role=Role.MEMBER)
    response = admin.post(
        f"/admin/users/{user.id}", data={"name": user.name, "role": "coordinator", "active": ""}
    )
    assert response.status_code == 302
    user = reload(session, user)
    assert user.role == Role.COORDINATOR and not user.active
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    )
    event = session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "user.update", AuditEvent.entity_id == user.id
        )
    )
    assert event.details["role"] == ["member", "coordinator"]


def test_admin_cannot_demote_themself(login_as, session):
    admin = login_as("admin")
    response = admin.post(
        f"/admin/users/{admin.user.id}", data={"name": "Me", "role": "member", "active": "y"}
    )
    assert response.status_code == 400
    assert reload(session, admin.user).role == Role.ADMIN


def test_unknown_user_is_404(login_as):
    assert login_as("admin").get("/admin/users/999999").status_code == 404


def test_account_page_title_is_the_email_once(login_as, make_user):
    """The title block used to swallow a copy of the two-step section: the tab showed HTML
    and the page carried the section twice."""
    import re

    admin = login_as("admin")
    user = make_user(role=Role.MEMBER)
    html = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title == f"{user.email} · campaign"
    assert html.count('id="two-factor-heading"') == 1
    # refused: "Error: " once, from base.html
    refused = admin.post(f"/admin/users/{user.id}", data={"name": "", "role": "member"})
    title = re.search(r"<title>(.*?)</title>", refused.get_data(as_text=True), re.S).group(1)
    assert title == f"Error: {user.email} · campaign"
