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
