"""Issue 16 finding 3: nobody can lock an account out by failing to log in to it.

Before: five wrong passwords a minute for an account, from any addresses, made the right
password answer 429 from every address.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.auth import throttle
from campaign.auth.models import Role
from campaign.mail.models import OutboxMessage
from tests.factories import PASSWORD


@pytest.fixture
def delays(monkeypatch):
    """The delays the login asked for, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(throttle, "_sleep", waited.append)
    return waited


def _post(client, email, password, address):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_an_attacker_rotating_addresses_cannot_keep_the_owner_out(
    client, make_user, session, delays, app
):
    owner = make_user(role=Role.ADMIN, email="owner-admin@example.org")
    # 20 wrong passwords from 10 addresses: past every per-account limit there was
    for n in range(20):
        answer = _post(client, owner.email, f"guess number {n}", f"203.0.113.{n % 10}")
        assert answer.status_code == 401, (n, answer.status_code)
    # The owner, from an address that has not been failing, gets in (after a delay)
    ok = _post(client, owner.email, PASSWORD, "198.51.100.7")
    assert ok.status_code == 302, ok.status_code
    here = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get("/campaigns", environ_base=here).status_code == 200
    # the delay grew with the failures, and stayed capped
    assert delays and delays == sorted(delays)
    assert max(delays) == app.config["LOGIN_MAX_DELAY"]
    # The owner heard of it, once
    mails = session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "auth.login_failures")
    ).all()
    assert [m.to_addr for m in mails] == [owner.email]
    assert "not locked" in mails[0].body_text


def test_one_address_failing_for_an_account_is_refused_for_that_account_only(
    client, make_user, delays
):
    owner, other = make_user(), make_user()
    for n in range(5):
        assert _post(client, owner.email, f"wrong {n}", "203.0.113.9").status_code == 401
    # that address, that account: refused even with the right password
    assert _post(client, owner.email, PASSWORD, "203.0.113.9").status_code == 429
    # the same address may still log in to another account; the owner elsewhere too
    assert _post(client, other.email, PASSWORD, "203.0.113.9").status_code == 302
    client.post("/logout", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert _post(client, owner.email, PASSWORD, "198.51.100.8").status_code == 302


def test_one_address_trying_many_accounts_is_refused(client, make_user, delays, monkeypatch, app):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_RATE_LIMIT", "6 per minute")
    user = make_user()
    for n in range(6):
        assert _post(client, f"nobody{n}@example.org", "wrong!", "203.0.113.77").status_code == 401
    assert _post(client, user.email, PASSWORD, "203.0.113.77").status_code == 429
    assert _post(client, user.email, PASSWORD, "198.51.100.9").status_code == 302


def test_no_delay_for_an_account_nobody_attacks(client, make_user, delays):
    user = make_user()
    for n in range(3):
        _post(client, user.email, f"typo {n}", "198.51.100.10")
    assert _post(client, user.email, PASSWORD, "198.51.100.10").status_code == 302
    assert delays == []
