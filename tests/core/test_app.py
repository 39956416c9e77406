"""App-wide behaviour: headers, cookies, error pages, configuration."""

import pytest

from campaign import create_app
from campaign.config import from_environ


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_in_pages(login_as):
    html = login_as("admin").get("/admin/users").get_data(as_text=True)
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    client.post("/logout")
    https = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery"},
        base_url="https://campaign.test",
    )
    assert "Secure" in _session_cookie(https)


def _session_cookie(response) -> str:
    return next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("campaign_session=")
    )


def test_404_page_uses_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "There is nothing at this address" in html and "navbar" in html


def test_413_for_oversized_body(client, app):
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data=big, content_type="application/octet-stream", csrf=False)
    assert response.status_code == 413
    # the person is told the limit and that nothing was kept, not only "too large"
    html = response.get_data(as_text=True)
    assert "25 MB" in html and "Nothing was saved" in html


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="CAMPAIGN_SECRET_KEY"):
        create_app(
            {
                "ENV": "production",
                "SECRET_KEY": None,
                "INSTANCE_PATH": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            }
        )


def test_local_run_generates_and_reuses_secret_key(tmp_path):
    cfg = {
        "SECRET_KEY": None,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
    }
    first = create_app(cfg).secret_key
    second = create_app(cfg).secret_key
    assert first and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_variables_are_read_with_types():
    cfg = from_environ({"CAMPAIGN_SMTP_PORT": "2525", "CAMPAIGN_DATABASE_URL": "sqlite:///x"})
    assert cfg["SMTP_PORT"] == 2525
    assert cfg["DATABASE_URL"] == "sqlite:///x"
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://"


def test_nul_characters_are_dropped_from_forms_and_queries(login_as, session):
    """PostgreSQL refuses NUL in text: found by the bad-input corpus as a 500 there."""
    import sqlalchemy as sa

    from campaign.campaigns.models import Campaign

    c = login_as("coordinator")
    assert c.post("/campaigns/new", data={"name": "Nul\x00Name"}).status_code == 302
    assert session.scalar(sa.select(Campaign.name).where(Campaign.name == "NulName"))
    assert c.get("/audit?action=x%00y").status_code == 200
