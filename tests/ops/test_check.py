"""``flask --app campaign check``: each line OK/WARN/FAIL with its fix; exit 1 on a FAIL."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from campaign.ops import check
from tests.ops.conftest import REDIS_DB, redis_answers

FLASK = str(Path(sys.executable).parent / "flask")


def _app(**config):
    base = {"ENV": "production", "SECRET_KEY": "k" * 64, "RATELIMIT_STORAGE_URI": "memory://"}
    return SimpleNamespace(config={**base, **config})


def test_database_migrated_to_head(database_url):
    result = check.check_database(_app(DATABASE_URL=database_url))
    assert result.status == check.OK and "migrated to" in result.detail


def test_database_not_migrated(tmp_path):
    result = check.check_database(_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    assert result.status == check.FAIL
    assert "no revision" in result.detail and "db upgrade" in result.fix


def test_database_unreachable_hides_the_password():
    url = "postgresql+psycopg://app:hunter2@127.0.0.1:1/campaign"
    result = check.check_database(_app(DATABASE_URL=url))
    assert result.status == check.FAIL and "hunter2" not in result.detail
    assert "CAMPAIGN_DATABASE_URL" in result.fix


def test_secret_key_length():
    assert check.check_secret_key(_app(SECRET_KEY="short")).status == check.FAIL
    assert check.check_secret_key(_app()).status == check.OK


def test_base_url():
    assert check.check_base_url(_app(BASE_URL="https://sign.example.org")).status == check.OK
    assert check.check_base_url(_app(BASE_URL="http://sign.example.org")).status == check.FAIL


def test_base_url_missing_in_production(monkeypatch):
    monkeypatch.delenv("CAMPAIGN_BASE_URL", raising=False)
    result = check.check_base_url(_app(BASE_URL=None))
    assert result.status == check.FAIL and "CAMPAIGN_BASE_URL" in result.fix


def test_smtp_answers(smtp_server):
    result = check.check_smtp(_app(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port))
    assert result.status == check.OK and "EHLO" in result.detail


def test_smtp_starttls_refused_by_a_server_without_it(smtp_server):
    app = _app(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, SMTP_TLS="starttls")
    result = check.check_smtp(app)
    assert result.status == check.FAIL and "SMTPNotSupportedError" in result.detail


def test_smtp_down():
    result = check.check_smtp(_app(SMTP_HOST="127.0.0.1", SMTP_PORT=1))
    assert result.status == check.FAIL and "ConnectionRefusedError" in result.detail


def test_no_smtp_in_production_fails():
    assert check.check_smtp(_app(SMTP_HOST=None)).status == check.FAIL
    assert check.check_smtp(_app(ENV="development", SMTP_HOST=None)).status == check.OK


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_redis_answers():
    uri = f"redis://127.0.0.1:6379/{REDIS_DB}"
    assert check.check_redis(_app(RATELIMIT_STORAGE_URI=uri)).status == check.OK


def test_redis_down():
    result = check.check_redis(_app(RATELIMIT_STORAGE_URI="redis://:pw123@127.0.0.1:1/0"))
    assert result.status == check.FAIL and "pw123" not in result.detail


def test_limits_in_memory_in_production_is_a_warning():
    assert check.check_redis(_app()).status == check.WARN


def test_upload_dir(tmp_path):
    assert check.check_upload_dir(_app(UPLOAD_DIR=str(tmp_path / "up"))).status == check.OK
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = check.check_upload_dir(_app(UPLOAD_DIR=str(blocker / "up")))
    assert result.status == check.FAIL and "CAMPAIGN_UPLOAD_DIR" in result.fix


def test_cjk_fonts_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-list
    result = check.check_cjk_fonts(_app())
    assert result.status == check.FAIL and "fonts-wqy-microhei" in result.fix


def test_a_crashing_check_is_a_fail_line(monkeypatch):
    def broken(app):
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "CHECKS", (broken,))
    (result,) = check.run_checks(_app())
    assert result.status == check.FAIL and "boom" in result.detail


def _run(env: dict) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")}
    return subprocess.run(
        [FLASK, "--app", "campaign", "check"],
        env={**full, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_the_command_passes_on_a_ready_production_setup(tmp_path, smtp_server):
    from campaign.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    upgrade(url)
    result = _run(
        {
            "CAMPAIGN_ENV": "production",
            "CAMPAIGN_BASE_URL": "https://sign.example.org",
            "CAMPAIGN_SECRET_KEY": "s" * 64,
            "CAMPAIGN_DATABASE_URL": url,
            "CAMPAIGN_INSTANCE_PATH": str(tmp_path),
            "CAMPAIGN_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "CAMPAIGN_SMTP_HOST": smtp_server.host,
            "CAMPAIGN_SMTP_PORT": str(smtp_server.port),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout and "Ready for production." in result.stdout


def test_the_command_exits_1_and_says_the_fix(tmp_path):
    result = _run(
        {
            "CAMPAIGN_ENV": "production",
            "CAMPAIGN_BASE_URL": "https://sign.example.org",
            "CAMPAIGN_SECRET_KEY": "s" * 64,
            "CAMPAIGN_DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
            "CAMPAIGN_INSTANCE_PATH": str(tmp_path),
        }
    )
    assert result.returncode == 1
    out = result.stdout
    assert "FAIL database" in out and "fix: run: flask --app campaign db upgrade" in out
    assert "FAIL SMTP" in out and "check(s) failed" in out
