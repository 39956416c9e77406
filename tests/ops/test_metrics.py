"""/metrics: Prometheus text for the allowlist or the token; queue depths from the database."""

import re

import pytest

from campaign.mail.services import enqueue


def _value(text: str, name: str, labels: str = "") -> float:
    pattern = re.escape(name + (f"{{{labels}}}" if labels else "")) + r" ([0-9.e+-]+)"
    found = re.search(pattern, text)
    assert found, f"{name}{{{labels}}} not in metrics"
    return float(found.group(1))


def test_metrics_from_loopback(client, session):
    enqueue(session, to="x@example.org", subject="s", body_text="b")
    enqueue(session, to="y@example.org", subject="s", body_text="b")
    session.commit()  # (a SAVEPOINT of the test's transaction)
    client.get("/login")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert _value(text, "campaign_outbox_depth") >= 2
    assert _value(text, "campaign_outbox_oldest_age_seconds") >= 0
    assert _value(text, "campaign_render_queue_depth", 'status="queued"') >= 0
    assert (
        _value(
            text, "campaign_http_requests_total", 'endpoint="auth.login",method="GET",status="200"'
        )
        >= 1
    )
    assert "campaign_http_request_duration_seconds_bucket" in text
    # scrapes and health checks are not counted as traffic
    assert 'endpoint="ops.metrics"' not in text


def test_signons_by_status(client, session):
    from tests.letters.factories import make_letter
    from tests.signons.helpers import sign

    def pending() -> float:
        text = client.get("/metrics").get_data(as_text=True)
        found = re.search(r'campaign_signons\{status="pending"\} ([0-9.]+)', text)
        return float(found.group(1)) if found else 0.0

    before = pending()
    letter = make_letter(session)
    assert sign(client, letter).status_code == 302
    assert (
        sign(client, letter, org_name="Another Group", signer_email="b@example.org").status_code
        == 302
    )
    assert pending() == before + 2


def test_failed_logins_are_counted(client, make_user):
    user = make_user()
    before = _value(client.get("/metrics").get_data(as_text=True), "campaign_failed_logins_total")
    assert client.post("/login", data={"email": user.email, "password": "wrong"}).status_code == 401
    after = _value(client.get("/metrics").get_data(as_text=True), "campaign_failed_logins_total")
    assert after == before + 1


def test_other_addresses_are_refused(client):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 403


def test_a_visitor_through_an_untrusted_proxy_is_refused(client):
    # nginx on the same host without CAMPAIGN_PROXY_FIX: every visitor comes from 127.0.0.1
    response = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.status_code == 403


def test_the_token_opens_metrics_from_anywhere(make_app, session):
    app = make_app(METRICS_TOKEN="s3cret-token-for-prometheus", METRICS_ALLOW="")
    c = app.test_client()
    far = {"REMOTE_ADDR": "203.0.113.7"}
    assert c.get("/metrics", environ_base=far).status_code == 403
    wrong = {"Authorization": "Bearer nope"}
    assert c.get("/metrics", environ_base=far, headers=wrong).status_code == 403
    right = {"Authorization": "Bearer s3cret-token-for-prometheus"}
    assert c.get("/metrics", environ_base=far, headers=right).status_code == 200
    # an empty allowlist refuses loopback too
    assert c.get("/metrics").status_code == 403


def test_an_allowlisted_network(make_app, session):
    app = make_app(METRICS_ALLOW="10.1.0.0/16")
    c = app.test_client()
    assert c.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert c.get("/metrics", environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 403


def test_a_bad_allowlist_stops_the_app(make_app):
    with pytest.raises(ValueError):
        make_app(METRICS_ALLOW="10.1.0.0/33")
