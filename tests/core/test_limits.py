"""Flask-Limiter runs without its before-request pass (campaign/__init__.py): that is
sound only while every limit is a route's own."""

from campaign.extensions import limiter


def test_no_limit_needs_the_before_request_pass(app):
    with app.test_request_context("/"):
        manager = limiter.limit_manager
        assert manager.default_limits == [] and manager.application_limits == []
        assert not any(manager.blueprint_limits(app, name) for name in app.blueprints)
    assert limiter._check_request_limit not in app.before_request_funcs[None]


def test_route_limits_still_apply(client, app, session, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per minute")
    data = {"email": "nobody@example.org", "password": "wrong password"}
    assert client.post("/login", data=data).status_code != 429
    assert client.post("/login", data=data).status_code == 429


def test_an_app_without_rate_limits_starts(tmp_path):
    from campaign import create_app

    config = {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'off.sqlite3'}",
        "SECRET_KEY": "x",
        "INSTANCE_PATH": str(tmp_path),
        "RATELIMIT_ENABLED": False,
    }
    try:
        assert create_app(config).config["RATELIMIT_ENABLED"] is False
    finally:
        limiter.enabled = True  # Flask-Limiter keeps the last app's setting on its object


def test_the_sign_on_limit_is_counted_under_the_key_prefix(client, app, session, monkeypatch):
    # Two apps sharing one Redis keep apart by RATELIMIT_KEY_PREFIX; the sign-on POST's
    # limit (campaign.core.ratelimit) ignored it, so one app's signers used up the
    # other's (found by the cluster test, whose runs share a Redis database).
    from tests.letters.factories import make_letter
    from tests.signons.helpers import sign

    monkeypatch.setitem(app.config, "SIGNON_RATE_LIMIT", "1 per minute")
    letter = make_letter(session)
    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", "coalition-a")
    assert sign(client, letter).status_code == 302
    assert sign(client, letter, org_name="Second").status_code == 429
    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", "coalition-b")
    assert sign(client, letter, org_name="Third").status_code == 302
