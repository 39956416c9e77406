"""Issue 16.1: emailed links come from CAMPAIGN_BASE_URL, never from the request's Host.

An anonymous POST with ``Host: attacker.example`` used to mail a real signer a link to
the attacker's server. Every absolute link (confirmation, re-confirmation, resend,
invitation, unsubscribe) is now built on the configured base URL, and in production a
request for another host is refused (400) before anything runs.
"""

from __future__ import annotations

import re

import pytest

from campaign import create_app
from campaign.campaigns.models import Campaign
from campaign.mail.models import OutboxMessage
from campaign.signons.models import SignOnStatus
from tests.directory.factories import linked_signon
from tests.factories import reload
from tests.letters.factories import make_letter
from tests.signons.helpers import form, outbox, path_of, sign, signons
from tests.signons.test_reconfirm import _edit

URL = re.compile(r"https?://[^\s<>\"]+")
BASE = "http://campaign.test"  # the test app's CAMPAIGN_BASE_URL (tests/conftest.py)
EVIL = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}


def _token(client, path: str, headers: dict) -> str:
    """The CSRF token of a page fetched the way an attacker would: with the spoofed Host,
    so that the session cookie belongs to that host too."""
    page = client.get(path, headers=headers).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _spoofing(client):
    """The client's cookies (its session) sent to the spoofed host as well."""
    if hasattr(client, "csrf_token"):
        client.csrf_token()  # the session's CSRF secret first (a login starts a fresh session)
    cookie = client.get_cookie("campaign_session", domain="campaign.test")
    if cookie is not None:
        client.set_cookie("campaign_session", cookie.value, domain="attacker.example")
    return client


def _sign(client, letter, headers=None, **kw):
    path = f"/sign/{letter.slug}"
    data = form(**kw)
    if headers:
        data["csrf_token"] = _token(client, path, headers)
    return client.post(path, data=data, headers=headers, content_type="multipart/form-data")


def _links(messages: list[OutboxMessage]) -> list[str]:
    return [url for m in messages for url in URL.findall(m.body_text)]


def _assert_home(links: list[str], app) -> None:
    assert links, "no link in the mail"
    for link in links:
        assert link.startswith(BASE + "/"), link
        assert "attacker" not in link


def test_confirmation_link_ignores_the_host_header(app, client, session):
    letter = make_letter(session)
    response = _sign(client, letter, headers=EVIL)
    assert response.status_code == 302
    _assert_home(_links(outbox(session)), app)


def test_resend_and_reconfirm_links_ignore_the_host_header(app, client, session, login_as):
    letter = make_letter(session)
    sign(client, letter)
    (first,) = outbox(session)
    token_path = path_of(URL.search(first.body_text).group(0))
    # a fresh link asked for from a spoofed host
    client.get(token_path)
    assert _spoofing(client).post(token_path + "/resend", headers=EVIL).status_code == 200
    _assert_home(_links(outbox(session)[1:]), app)

    # a coordinator's material edit asks signers to re-confirm: from a spoofed host too
    newest = path_of(URL.search(outbox(session)[-1].body_text).group(0))
    assert client.post(newest).status_code == 302  # confirmed
    coordinator = _spoofing(login_as("coordinator"))
    slug = session.get(Campaign, letter.campaign_id).slug
    url = f"/campaigns/{slug}/letters/{letter.id}"
    _edit(coordinator, url, reload(session, letter), "A materially different text", True)
    before = len(outbox(session))
    _spoofing(coordinator)  # the session as it is now (a request may have renewed it)
    assert coordinator.post(url + "/reconfirm", headers=EVIL).status_code == 302
    mails = outbox(session)[before:]
    assert mails and all(m.kind == "signon.confirm" for m in mails)
    _assert_home(_links(mails), app)


def test_invitation_and_unsubscribe_links_ignore_the_host_header(app, session, login_as):
    old = make_letter(session, title="Old letter")
    new = make_letter(session, title="New letter")
    linked_signon(session, old, org_name="Org Alpha", signer_email="a@alpha.org")
    c = _spoofing(login_as("coordinator"))
    data = {"letter_id": new.id, "scope": "signed", "signed_letter_id": old.id}
    page = c.post("/directory/invite", data=data, headers=EVIL)
    count = re.search(r'name="confirm" value="(\d+)"', page.get_data(as_text=True)).group(1)
    sent = c.post("/directory/invite", data={**data, "confirm": count}, headers=EVIL)
    assert sent.status_code == 302
    links = _links([m for m in outbox(session) if m.kind == "directory.invitation"])
    assert any("invite=" in u for u in links) and any("/unsubscribe/" in u for u in links)
    _assert_home(links, app)


def test_public_links_shown_to_coordinators_use_the_base_url(app, session, login_as):
    letter = make_letter(session)
    c = _spoofing(login_as("coordinator"))
    slug = session.get(Campaign, letter.campaign_id).slug
    html = c.get(f"/campaigns/{slug}/letters/{letter.id}", headers=EVIL).get_data(as_text=True)
    assert f"{BASE}/sign/{letter.slug}" in html
    assert "attacker.example" not in html


# --- production: the base URL is required and other hosts are refused ---


def _production(tmp_path, database_url, **config):
    return create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "p" * 64,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "RATELIMIT_STORAGE_URI": "memory://",
            "BASE_URL": "https://sign.example.org",
            **config,
        }
    )


def test_production_refuses_to_start_without_a_base_url(tmp_path, database_url):
    with pytest.raises(RuntimeError, match="CAMPAIGN_BASE_URL"):
        _production(tmp_path, database_url, BASE_URL=None)


@pytest.mark.parametrize(
    "url",
    ["sign.example.org", "ftp://sign.example.org", "https://", "https://sign.example.org/?a=1",
     "https://sign.example.org/#x", "https://user@sign.example.org"],
)  # fmt: skip
def test_a_malformed_base_url_stops_the_app(tmp_path, database_url, url):
    with pytest.raises(RuntimeError, match="CAMPAIGN_BASE_URL"):
        _production(tmp_path, database_url, BASE_URL=url)
    with pytest.raises(RuntimeError, match="CAMPAIGN_BASE_URL"):
        create_app({"BASE_URL": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 64,
                    "DATABASE_URL": database_url})  # fmt: skip


def test_a_trailing_slash_is_dropped(tmp_path, database_url):
    app = _production(tmp_path, database_url, BASE_URL="https://sign.example.org/")
    assert app.config["BASE_URL"] == "https://sign.example.org"


def test_production_refuses_other_hosts(tmp_path, database_url, session):
    app = _production(tmp_path, database_url)
    client = app.test_client()
    for host in ("attacker.example", "sign.example.org.attacker.example", "127.0.0.1"):
        response = client.get("/login", headers={"Host": host})
        assert response.status_code == 400, host
        assert "Bad request" in response.get_data(as_text=True)
    # the sign-on form too: refused before anything is read or written
    response = client.post("/sign/whatever", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert client.get("/login", headers={"Host": "sign.example.org"}).status_code == 200
    assert client.get("/login", headers={"Host": "SIGN.example.org:443"}).status_code == 200


def test_production_behind_a_proxy_checks_the_forwarded_host(tmp_path, database_url, session):
    app = _production(tmp_path, database_url, PROXY_FIX=1)
    client = app.test_client()
    spoofed = {"Host": "sign.example.org", "X-Forwarded-Host": "attacker.example"}
    assert client.get("/login", headers=spoofed).status_code == 400
    honest = {"Host": "10.0.0.5:8000", "X-Forwarded-Host": "sign.example.org"}
    assert client.get("/login", headers=honest).status_code == 200


def test_health_checks_answer_any_host(tmp_path, database_url, session):
    """A load balancer or container health check asks the app server by its own address."""
    app = _production(tmp_path, database_url)
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/readyz", headers={"Host": "web1:8000"}).status_code == 200


def test_links_in_production_use_the_base_url_with_its_path(tmp_path, database_url, session):
    from campaign.core.urls import external_url

    app = _production(tmp_path, database_url, BASE_URL="https://example.org/campaign")
    with app.app_context():
        assert external_url("signons.sign", slug="x") == "https://example.org/campaign/sign/x"
    with app.test_request_context("/", headers={"Host": "attacker.example"}):
        assert external_url("signons.sign", slug="x") == "https://example.org/campaign/sign/x"


def test_development_defaults_to_the_served_address(tmp_path, database_url, monkeypatch):
    monkeypatch.delenv("CAMPAIGN_BASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url})
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    # what `make run` serves on (HOST and PORT)
    monkeypatch.setenv("CAMPAIGN_BASE_URL", "http://0.0.0.0:8080")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url})
    assert app.config["BASE_URL"] == "http://0.0.0.0:8080"


def test_status_of_pending_signon_is_unchanged_by_a_spoofed_post(app, client, session):
    """The attack in the report: a spoofed POST for a pending organization."""
    letter = make_letter(session)
    sign(client, letter)
    _sign(client, letter, signer_email="mallory@attacker.example", headers=EVIL)
    _assert_home(_links(outbox(session)), app)
    assert [s.status for s in signons(session, letter)] == [SignOnStatus.PENDING]


def test_flask_check_without_a_base_url_says_what_to_set(tmp_path):
    """The preflight (and gunicorn, and the worker) stop at once, naming the setting."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    env.update(
        CAMPAIGN_ENV="production",
        CAMPAIGN_SECRET_KEY="s" * 64,
        CAMPAIGN_INSTANCE_PATH=str(tmp_path),
        CAMPAIGN_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    flask = str(Path(sys.executable).parent / "flask")
    result = subprocess.run(
        [flask, "--app", "campaign", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "CAMPAIGN_BASE_URL must be set" in result.stderr
