"""Configuration: defaults, overridden by ``CAMPAIGN_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# The folder holding templates/, static/, migrations/ and alembic.ini: the source tree, or
# where a deployment copied them when the package itself is installed from a wheel
# (deploy/Dockerfile sets CAMPAIGN_ROOT=/app).
ROOT = Path(os.environ.get("CAMPAIGN_ROOT") or Path(__file__).resolve().parent.parent)

# Every setting the app reads from the environment, with its type and default.
# README's configuration table lists the same names.
SETTINGS: dict[str, tuple[type, object]] = {
    "ENV": (str, "development"),
    "DATABASE_URL": (str, None),
    "SECRET_KEY": (str, None),
    "INSTANCE_PATH": (str, None),
    "RATELIMIT_STORAGE_URI": (str, "memory://"),
    # prefix of the rate-limit keys in that storage (several apps sharing one Redis)
    "RATELIMIT_KEY_PREFIX": (str, ""),
    # failed logins: per account and client address (then 429 for that pair), per client
    # address over all accounts (then 429), and per account from anywhere (then a delay
    # that doubles up to LOGIN_MAX_DELAY seconds, and the owner is emailed; never a refusal)
    "LOGIN_RATE_LIMIT": (str, "5 per minute; 30 per hour"),
    "LOGIN_ADDRESS_RATE_LIMIT": (str, "20 per minute; 100 per hour"),
    "LOGIN_ACCOUNT_SLOWDOWN": (str, "10 per hour"),
    "LOGIN_MAX_DELAY": (float, 5.0),
    # a login lasts at most this long (then the user logs in again)
    "SESSION_HOURS": (int, 12),
    # admins must set up two-step login (TOTP) before doing anything else
    "REQUIRE_2FA_FOR_ADMINS": (bool, False),
    "SIGNON_RATE_LIMIT": (str, "20 per minute; 200 per hour"),
    "SMTP_HOST": (str, None),
    "SMTP_PORT": (int, 25),
    "SMTP_USER": (str, None),
    "SMTP_PASSWORD": (str, None),
    "SMTP_TLS": (str, "none"),
    # the address mail is sent from; its display name is the coalition's (COALITION_NAME)
    "MAIL_FROM": (str, "campaign@localhost"),
    # the coalition signers see (public pages, From name, Reply-To, letterhead) until the
    # settings page or a campaign names one
    "COALITION_NAME": (str, None),
    "COALITION_EMAIL": (str, None),
    "MAIL_DIR": (str, None),
    "UPLOAD_DIR": (str, None),
    "SQLITE_BUSY_TIMEOUT_MS": (int, 5000),
    "PROXY_FIX": (int, 0),
    # The coalition's time zone: "today" (due dates, overdue, per-day charts) is its date.
    "TIMEZONE": (str, "America/New_York"),
    # letters with more signatories than this are rendered by the worker, not the request
    "RENDER_INLINE_MAX": (int, 300),
    # a worker renews its claim on a render every third of this; a dead worker's job is
    # taken again once its claim is this old
    "RENDER_LEASE_SECONDS": (int, 60),
    # "json" (one object per line) or "text"; unset: json in production, text otherwise
    "LOG_FORMAT": (str, None),
    # /metrics answers these addresses, and anyone with the bearer token
    "METRICS_ALLOW": (str, "127.0.0.1/32, ::1/128"),
    "METRICS_TOKEN": (str, None),
}

_TRUE = {"1", "true", "yes", "on"}


def instance_path() -> Path:
    """Where local state lives: the SQLite file, the secret key, uploads, mail."""
    return Path(os.environ.get("CAMPAIGN_INSTANCE_PATH") or ROOT / "instance")


def default_database_url(instance: Path | None = None) -> str:
    """The embedded SQLite database used when CAMPAIGN_DATABASE_URL is not set."""
    return f"sqlite:///{(instance or instance_path()) / 'campaign.sqlite3'}"


def database_url() -> str:
    """The database URL from the environment, shared by the app and Alembic."""
    return os.environ.get("CAMPAIGN_DATABASE_URL") or default_database_url()


def _convert(kind: type, raw: str) -> object:
    if kind is bool:
        return raw.strip().lower() in _TRUE
    return kind(raw)


def from_environ(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, object]:
    """Read every known CAMPAIGN_* variable into a config dict (unset ones get defaults)."""
    environ = os.environ if environ is None else environ
    out: dict[str, object] = {}
    for name, (kind, default) in SETTINGS.items():
        raw = environ.get(f"CAMPAIGN_{name}")
        out[name] = _convert(kind, raw) if raw not in (None, "") else default
    return out


def local_secret_key(instance: Path) -> str:
    """Generate a secret key once for a local run and reuse it afterwards."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    from campaign.core.files import private_dir

    private_dir(instance)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
