"""Webhooks to a real local HTTP server process: signed, retried on 500 then delivered,
paused after failures in a row, failed after 24 hours, never redirected, never to a
private address in production."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.webhooks import sender, signing
from campaign.webhooks.destinations import resolve
from campaign.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from campaign.webhooks.worker import deliver_due
from tests.api.helpers import check
from tests.servers import webhook_receiver

SIGNON = {
    "person": {"given_name": "Ana", "family_name": "Pérez",
               "email_addresses": [{"address": "ana@tcrp.example"}]},
    "coalition:organization": "Texas Civil Rights Project",
    "coalition:signer_title": "Director",
    "coalition:level": "state",
    "coalition:state": "TX",
    "coalition:authorized": True,
}  # fmt: skip


def _later(seconds: float):
    return lambda: utcnow() + timedelta(seconds=seconds)


def _confirmed_signon(api_as, hooked) -> None:
    api = api_as("coordinator")
    body = {**SIGNON, "confirmed": True}
    response = api.post(f"/api/v1/petitions/{hooked.letter_id}/signatures", json=body)
    assert response.status_code == 201, response.json


def test_signed_delivery_retried_after_a_500_then_accepted(
    tmp_path, session, api_as, subscribe, worker_sessions, settings
):
    with webhook_receiver(tmp_path, "500,200") as receiver:
        hooked = subscribe(receiver.url, ["signature.confirmed"])
        _confirmed_signon(api_as, hooked)
        assert deliver_due(worker_sessions, settings) == (0, 1)
        # not due again yet: the backoff holds it
        assert deliver_due(worker_sessions, settings) == (0, 0)
        assert deliver_due(worker_sessions, settings, clock=_later(31)) == (1, 0)
        assert deliver_due(worker_sessions, settings, clock=_later(3600)) == (0, 0)
        got = receiver.requests()
    assert [r["answered"] for r in got] == [500, 200]
    first, second = got
    assert first["body"] == second["body"]
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]
    now = int(time.time())
    for request in got:
        header = request["headers"]["X-Campaign-Signature"]
        body = request["body"].encode("utf-8")
        assert signing.verify(hooked.secret, header, body, now=now)
        assert not signing.verify("whsec_wrong", header, body, now=now)
        assert not signing.verify(hooked.secret, header, body + b" ", now=now)
        # replayed ten minutes later: refused by its timestamp
        assert not signing.verify(hooked.secret, header, body, now=now + 600)
        assert request["headers"]["X-Campaign-Event"] == "signature.confirmed"
    [item] = json.loads(first["body"])
    assert item["coalition:event"] == "signature.confirmed"
    assert item["idempotency_key"] == first["headers"]["Idempotency-Key"]
    check(item["osdi:signature"], "signature")
    assert item["osdi:signature"]["coalition:status"] == "confirmed"
    session.expire_all()
    delivery = session.scalar(sa.select(WebhookDelivery))
    assert delivery.delivered and delivery.attempts == 2 and delivery.last_status == 200
    codes = session.scalars(sa.select(WebhookAttempt.status_code).order_by(WebhookAttempt.id))
    assert list(codes) == [500, 200]
    assert session.get(WebhookSubscription, hooked.subscription_id).consecutive_failures == 0


def test_failures_in_a_row_pause_the_subscription(
    tmp_path, session, api_as, subscribe, worker_sessions, settings
):
    with webhook_receiver(tmp_path, "503") as receiver:
        hooked = subscribe(receiver.url)
        _confirmed_signon(api_as, hooked)
        for minutes in (0, 1, 5, 30):
            deliver_due(worker_sessions, settings, clock=_later(minutes * 60))
        assert len(receiver.requests()) == settings.pause_after
    session.expire_all()
    sub = session.get(WebhookSubscription, hooked.subscription_id)
    assert sub.paused_at is not None and sub.consecutive_failures == settings.pause_after


def test_a_delivery_fails_for_good_after_24_hours(
    tmp_path, session, api_as, subscribe, worker_sessions, settings
):
    with webhook_receiver(tmp_path, "500") as receiver:
        hooked = subscribe(receiver.url)
        _confirmed_signon(api_as, hooked)
        deliver_due(worker_sessions, settings)
        deliver_due(worker_sessions, settings, clock=_later(24 * 3600 + 60))
        assert len(receiver.requests()) == 2
    session.expire_all()
    delivery = session.scalar(sa.select(WebhookDelivery))
    assert delivery.done_at is not None and not delivery.delivered
    assert deliver_due(worker_sessions, settings, clock=_later(48 * 3600)) == (0, 0)
    assert hooked


def test_redirects_are_not_followed(
    tmp_path, session, api_as, subscribe, worker_sessions, settings
):
    with webhook_receiver(tmp_path, "302,200") as receiver:
        hooked = subscribe(receiver.url)
        _confirmed_signon(api_as, hooked)
        assert deliver_due(worker_sessions, settings) == (0, 1)
        assert [r["path"] for r in receiver.requests()] == ["/hooks/campaign"]
    assert hooked


def test_private_destinations_are_refused_unless_allowed():
    for url in (
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://0.0.0.0/",
    ):
        with pytest.raises(DomainError):
            resolve(url, allow_private=False)
        assert resolve(url, allow_private=True).address
    for url in (
        "ftp://example.org/",
        "file:///etc/passwd",
        "http://user:pw@example.org/",
        "javascript:alert(1)",
        "http:///nohost",
    ):
        with pytest.raises(DomainError):
            resolve(url, allow_private=True)
    outcome = sender.post(
        "http://127.0.0.1:9/",
        b"[]",
        secret="s",
        event="e",
        delivery_id=1,
        idempotency_key="k",
        allow_private=False,
        timeout=1,
    )
    assert outcome.status is None and "private" in outcome.error
