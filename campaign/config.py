"""Configuration: defaults, overridden by ``CAMPAIGN_*`` environment variables."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

# The folder holding templates/, static/, migrations/ and alembic.ini: the source tree, or
# where a deployment copied them when the package itself is installed from a wheel
# (deploy/Dockerfile sets CAMPAIGN_ROOT=/app).
ROOT = Path(os.environ.get("CAMPAIGN_ROOT") or Path(__file__).resolve().parent.parent)

# Every setting the app reads from the environment, with its type and default.
# README's configuration table lists the same names.
SETTINGS: dict[str, tuple[type, object]] = {
    "ENV": (str, "development"),
    # The public address every emailed or shown absolute link is built on (never the
    # request's Host); in production also the only Host the app answers.
    "BASE_URL": (str, None),
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
    # sign-on emails to one address (issue 16.6: the public form is no mail relay)
    "SIGNON_MAIL_LIMIT": (str, "10 per day"),
    # requests per API token (the JSON API at /api/v1)
    "API_RATE_LIMIT": (str, "600 per minute; 20000 per hour"),
    # demand packets rendered on request per account (each render is seconds of CPU)
    "PACKET_RENDER_LIMIT": (str, "20 per minute; 200 per hour"),
    # webhooks: seconds a receiver has to answer; hours a delivery is retried; failed
    # attempts in a row after which a subscription pauses; private, loopback and
    # link-local destinations allowed (always outside production)
    "WEBHOOK_TIMEOUT": (float, 10.0),
    "WEBHOOK_RETRY_HOURS": (float, 24.0),
    "WEBHOOK_PAUSE_AFTER": (int, 20),
    "WEBHOOK_ALLOW_PRIVATE": (bool, False),
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
    # ingest-mail: a message past any of these is refused, not parsed (README "Inbound mail")
    "INBOUND_MAX_BYTES": (int, 25 * 1024 * 1024),
    "INBOUND_MAX_PARTS": (int, 500),
    "INBOUND_MAX_DEPTH": (int, 5),
    # a Maildir the worker reads bounces and replies from each round (unset: none)
    "INBOUND_MAILDIR": (str, None),
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
    # the response clock (campaign.sending.clock): an agency owes an answer this many
    # business days (US federal holidays off) or calendar days after a demand is sent
    "RESPONSE_CLOCK": (str, "business"),
    "RESPONSE_DAYS": (int, 20),
    # consolidated follow-ups: at most one email per agency within this many business days
    "FOLLOWUP_WINDOW_DAYS": (int, 10),
    # the worker sends the consolidated follow-ups that are due (0: only coordinators do)
    "FOLLOWUP_AUTO": (bool, True),
}

_TRUE = {"1", "true", "yes", "on"}

ENVIRONMENTS = ("development", "production", "testing")
# Sessions, CSRF tokens and emailed links are signed with the secret key: in production
# it must be long enough that it cannot be guessed (issue 16.7).
MIN_SECRET_KEY_BYTES = 32
GENERATE_KEY = "python3 -c 'import secrets; print(secrets.token_hex(32))'"

# Where `flask run` (and `make run`) serves by default: a local run's links point there.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


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


def base_url(cfg: dict) -> str:
    """The checked public address, without a trailing slash (see ``BASE_URL``).

    Unset: production stops; a local run uses the served address (``SERVER_NAME`` when
    set, as the tests do, else Flask's default 127.0.0.1:5000). Never the request's Host,
    which anyone can choose.
    """
    raw = (cfg.get("BASE_URL") or "").strip()
    example = "e.g. CAMPAIGN_BASE_URL=https://sign.example.org"
    if not raw:
        if cfg.get("ENV") == "production":
            raise RuntimeError(
                "CAMPAIGN_BASE_URL must be set when CAMPAIGN_ENV=production: the public "
                f"address that emailed links point to ({example})."
            )
        server = cfg.get("SERVER_NAME")
        scheme = cfg.get("PREFERRED_URL_SCHEME") or "http"
        return f"{scheme}://{server}" if server else DEVELOPMENT_BASE_URL
    parts = urlsplit(raw)
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        parts = parts._replace(netloc="")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
        or "?" in raw
        or "#" in raw
    ):
        raise RuntimeError(
            f"CAMPAIGN_BASE_URL={raw!r} is not a web address: it must be http:// or "
            f"https:// and a host, with no login, query or fragment ({example})."
        )
    return raw.rstrip("/")


def check_environment(cfg: dict) -> str:
    """``ENV`` exactly as one of :data:`ENVIRONMENTS`; anything else stops the app, since a
    misspelt "Production" would otherwise run with development's defaults."""
    env = cfg.get("ENV")
    if env not in ENVIRONMENTS:
        raise RuntimeError(
            f"CAMPAIGN_ENV={env!r} is not understood: it must be exactly one of "
            f"{', '.join(ENVIRONMENTS)} (lower case)."
        )
    return env


def check_secret_key(cfg: dict) -> None:
    """In production, a secret key of at least :data:`MIN_SECRET_KEY_BYTES` bytes."""
    key = cfg.get("SECRET_KEY")
    if cfg.get("ENV") != "production":
        return
    if not key:
        raise RuntimeError(
            "CAMPAIGN_SECRET_KEY must be set when CAMPAIGN_ENV=production "
            f"(generate one with: {GENERATE_KEY})."
        )
    size = len(key.encode("utf-8")) if isinstance(key, str) else len(key)
    if size < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(
            f"CAMPAIGN_SECRET_KEY is {size} bytes long; production needs at least "
            f"{MIN_SECRET_KEY_BYTES} (generate one with: {GENERATE_KEY})."
        )


SMTP_TLS_MODES = ("none", "starttls", "ssl")


def check_smtp_tls(cfg: dict) -> str:
    """``SMTP_TLS`` as one of :data:`SMTP_TLS_MODES` (any case). An unknown value used to
    mean plain text; it stops the app instead. A login over plain text is allowed (a relay
    on the same machine) but logged as a warning: the password would cross the network
    readable."""
    raw = cfg.get("SMTP_TLS") or "none"
    mode = raw.strip().lower()
    if mode not in SMTP_TLS_MODES:
        raise RuntimeError(
            f"CAMPAIGN_SMTP_TLS={raw!r} is not understood: it must be one of "
            f"{', '.join(SMTP_TLS_MODES)}."
        )
    if mode == "none" and cfg.get("SMTP_USER") and cfg.get("SMTP_HOST"):
        logging.getLogger("campaign.mail").warning(
            "CAMPAIGN_SMTP_USER is set but CAMPAIGN_SMTP_TLS=none: the SMTP password is sent "
            "in plain text. Set CAMPAIGN_SMTP_TLS=starttls or ssl."
        )
    return mode
