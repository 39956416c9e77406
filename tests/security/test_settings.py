"""Issue 16.7: settings that would quietly weaken the app stop it instead, saying why."""

from __future__ import annotations

import logging

import pytest

from campaign import create_app


def _app(tmp_path, **config):
    return create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "SECRET_KEY": "s" * 64,
            "BASE_URL": "https://sign.example.org",
            **config,
        }
    )


@pytest.mark.parametrize("env", ["Production", "prod", "PRODUCTION", " production", "dev", "test"])
def test_an_unknown_environment_stops_the_app(tmp_path, env):
    with pytest.raises(RuntimeError, match=r"CAMPAIGN_ENV=.*development, production, testing"):
        _app(tmp_path, ENV=env)


@pytest.mark.parametrize("env", ["development", "production", "testing"])
def test_the_three_environments_start(tmp_path, env):
    assert _app(tmp_path, ENV=env).config["ENV"] == env


def test_an_unknown_environment_from_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMPAIGN_ENV", "Production")
    with pytest.raises(RuntimeError, match="CAMPAIGN_ENV='Production'"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 64})


@pytest.mark.parametrize("key", ["short", "x" * 31, "é" * 15])  # "é" is two bytes: 30
def test_production_refuses_a_short_secret_key(tmp_path, key):
    with pytest.raises(RuntimeError, match=r"CAMPAIGN_SECRET_KEY is \d+ bytes long"):
        _app(tmp_path, ENV="production", SECRET_KEY=key)


def test_production_takes_a_32_byte_key_and_development_any(tmp_path):
    assert _app(tmp_path, ENV="production", SECRET_KEY="x" * 32).secret_key == "x" * 32
    assert _app(tmp_path, ENV="development", SECRET_KEY="short").secret_key == "short"


@pytest.mark.parametrize("value", ["tls", "yes", "STARTTLS please", "1"])
def test_an_unknown_smtp_tls_value_stops_the_app(tmp_path, value):
    """It used to mean plain text, silently."""
    with pytest.raises(RuntimeError, match=r"CAMPAIGN_SMTP_TLS=.*none, starttls, ssl"):
        _app(tmp_path, SMTP_TLS=value)


@pytest.mark.parametrize("value", ["none", "starttls", "ssl", "STARTTLS", " ssl "])
def test_the_known_smtp_tls_values(tmp_path, value):
    assert _app(tmp_path, SMTP_TLS=value).config["SMTP_TLS"] == value.strip().lower()


def test_a_login_without_tls_is_warned_about(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="campaign.mail"):
        _app(tmp_path, SMTP_HOST="smtp.example.org", SMTP_USER="me", SMTP_TLS="none")
    assert "password is sent in plain text" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="campaign.mail"):
        _app(tmp_path, SMTP_HOST="smtp.example.org", SMTP_USER="me", SMTP_TLS="starttls")
    assert "plain text" not in caplog.text
