"""/healthz and /readyz: cheap, unauthenticated, and honest about what is down."""

import pytest

from tests.ops.conftest import REDIS_DB, redis_answers


def test_healthz_answers_without_touching_anything(client, count_queries):
    with count_queries() as q:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert q.count == 0
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "database": "ok"}


def test_readyz_is_503_when_the_database_is_down(make_app):
    app = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}


def test_readyz_is_503_when_redis_is_down(make_app):
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "redis": "down"}


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_readyz_reports_redis_when_limits_live_there(make_app):
    app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:6379/{REDIS_DB}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "database": "ok", "redis": "ok"}
