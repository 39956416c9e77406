"""``flask --app campaign check``: a preflight before serving in production.

Each line says OK, WARN or FAIL, what was checked and, for a failure, the fix. The
command exits 1 when any line fails (a WARN is advice: a deployment may be right to
differ), so that a deploy script or a container can refuse to start.
"""

from __future__ import annotations

import logging
import os
import shutil
import smtplib
import ssl
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from campaign.config import MIN_SECRET_KEY_BYTES

OK, WARN, FAIL = "OK", "WARN", "FAIL"
MIN_SECRET_KEY = MIN_SECRET_KEY_BYTES


@dataclass(frozen=True)
class Result:
    """One line of the preflight."""

    status: str
    name: str
    detail: str
    fix: str = ""


def _production(app: Flask) -> bool:
    return app.config.get("ENV") == "production"


def check_environment(app: Flask) -> Result:
    """Production mode is on (Secure cookies, JSON logs, required settings)."""
    if _production(app):
        return Result(OK, "environment", "CAMPAIGN_ENV=production")
    return Result(
        WARN,
        "environment",
        f"CAMPAIGN_ENV={app.config.get('ENV')}",
        "set CAMPAIGN_ENV=production on a server",
    )


def check_base_url(app: Flask) -> Result:
    """The public address used in emailed links."""
    url = app.config.get("BASE_URL") or os.environ.get("CAMPAIGN_BASE_URL") or ""
    fix = "set CAMPAIGN_BASE_URL to the public address, e.g. https://sign.example.org"
    if not url:
        return Result(FAIL if _production(app) else WARN, "base URL", "not set", fix)
    if not url.startswith("https://") and _production(app):
        return Result(FAIL, "base URL", f"{url} is not https", fix)
    return Result(OK, "base URL", url)


def check_secret_key(app: Flask) -> Result:
    """Long enough that sessions and links cannot be forged."""
    key = app.config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY:
        return Result(
            FAIL,
            "secret key",
            f"{len(key)} characters, fewer than {MIN_SECRET_KEY}",
            "set CAMPAIGN_SECRET_KEY to the output of "
            "python3 -c 'import secrets; print(secrets.token_hex(32))'",
        )
    return Result(OK, "secret key", f"{len(key)} characters")


def check_database(app: Flask) -> Result:
    """The database answers and is migrated to the newest revision."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from campaign.migrate import alembic_config

    url = sa.engine.make_url(app.config["DATABASE_URL"])
    shown = url.render_as_string(hide_password=True)
    engine = sa.create_engine(url, connect_args=_connect_timeout(url))
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its "Context impl" lines
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:
        return Result(
            FAIL,
            "database",
            f"{shown}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
            "check CAMPAIGN_DATABASE_URL and that the server is running",
        )
    finally:
        engine.dispose()
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    if current != heads:
        return Result(
            FAIL,
            "database",
            f"{shown}: at {', '.join(sorted(current)) or 'no revision'}, "
            f"the code needs {', '.join(sorted(heads))}",
            "run: flask --app campaign db upgrade",
        )
    return Result(OK, "database", f"{shown}: reachable, migrated to {', '.join(sorted(heads))}")


def _connect_timeout(url: sa.engine.URL) -> dict:
    return {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}


def check_redis(app: Flask) -> Result:
    """Rate limits are shared by every process through Redis."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not uri.startswith(("redis://", "rediss://")):
        if _production(app):
            return Result(
                WARN,
                "rate limits",
                f"counted in {uri.split(':')[0]}: each process counts on its own",
                "set CAMPAIGN_RATELIMIT_STORAGE_URI=redis://HOST:6379/0 when running "
                "several processes",
            )
        return Result(OK, "rate limits", f"counted in {uri.split(':')[0]}")
    import redis

    shown = sa.engine.make_url(uri.replace("rediss://", "redis://", 1)).render_as_string(
        hide_password=True
    )
    try:
        client = redis.Redis.from_url(uri, socket_connect_timeout=5, socket_timeout=5)
        client.ping()
        client.close()
    except Exception as exc:
        return Result(
            FAIL,
            "rate limits",
            f"Redis at {shown}: {type(exc).__name__}: {exc}"[:300],
            "start Redis or fix CAMPAIGN_RATELIMIT_STORAGE_URI",
        )
    return Result(OK, "rate limits", f"Redis at {shown} answers")


def check_smtp(app: Flask) -> Result:
    """The mail relay answers EHLO (and STARTTLS and the login when configured)."""
    cfg = app.config
    host = cfg.get("SMTP_HOST")
    if not host:
        if _production(app):
            return Result(
                FAIL,
                "SMTP",
                "no CAMPAIGN_SMTP_HOST: mail would only be written to files",
                "set CAMPAIGN_SMTP_HOST (and _PORT, _TLS, _USER, _PASSWORD) to your relay",
            )
        return Result(OK, "SMTP", f"not set: mail is written to {cfg.get('MAIL_DIR')}")
    port, tls = int(cfg.get("SMTP_PORT") or 25), (cfg.get("SMTP_TLS") or "none").lower()
    steps = ["EHLO"]
    try:
        context = ssl.create_default_context()
        if tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=10, context=context)
            steps.insert(0, "TLS")
        else:
            smtp = smtplib.SMTP(host, port, timeout=10)
        with smtp:
            code, _ = smtp.ehlo()
            if code != 250:
                raise smtplib.SMTPResponseException(code, b"EHLO refused")
            if tls == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
                steps.append("STARTTLS")
            if cfg.get("SMTP_USER"):
                smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
                steps.append("login")
    except Exception as exc:
        return Result(
            FAIL,
            "SMTP",
            f"{host}:{port} ({tls}): {type(exc).__name__}: {exc}"[:300],
            "check CAMPAIGN_SMTP_HOST, _PORT, _TLS, _USER and _PASSWORD",
        )
    return Result(OK, "SMTP", f"{host}:{port} answers {', '.join(steps)}")


def check_upload_dir(app: Flask) -> Result:
    """Uploaded files (logos, evidence, rendered letters) can be written."""
    path = Path(app.config["UPLOAD_DIR"])
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".check-"):
            pass
    except OSError as exc:
        return Result(
            FAIL,
            "upload folder",
            f"{path}: {exc.strerror or exc}",
            "create it, writable by the app's user, or set CAMPAIGN_UPLOAD_DIR",
        )
    return Result(OK, "upload folder", f"{path} is writable")


def check_inbound_maildir(app: Flask) -> Result:
    """The Maildir the worker reads bounces and replies from, when one is set."""
    maildir = app.config.get("INBOUND_MAILDIR")
    name = "inbound Maildir"
    if not maildir:
        return Result(OK, name, "not set (bounces and replies come through ingest-mail)")
    path = Path(maildir)
    for sub in ("new", "cur"):
        folder = path / sub
        if not folder.is_dir() or not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
            return Result(
                FAIL,
                name,
                f"{folder} is missing or not readable and writable",
                "point CAMPAIGN_INBOUND_MAILDIR at the Maildir the mail server delivers into "
                "(with new/ and cur/), readable and writable by the app's user",
            )
    return Result(OK, name, f"{path} (read by the worker every round)")


def check_cjk_fonts(app: Flask) -> Result:
    """A font for Chinese, Japanese and Korean names in letters (else empty boxes)."""
    fix = "install fonts-wqy-microhei (Debian, Ubuntu) or a Noto CJK font"
    if not shutil.which("fc-list"):
        return Result(FAIL, "CJK fonts", "fc-list not found (fontconfig missing)", fix)
    found = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    if not found:
        return Result(FAIL, "CJK fonts", "no font covers Chinese", fix)
    return Result(OK, "CJK fonts", found.splitlines()[0].split(",")[0])


CHECKS: tuple[Callable[[Flask], Result], ...] = (
    check_environment,
    check_base_url,
    check_secret_key,
    check_database,
    check_redis,
    check_smtp,
    check_upload_dir,
    check_inbound_maildir,
    check_cjk_fonts,
)


def run_checks(app: Flask) -> Iterator[Result]:
    """Every check, in order; a check that crashes is a FAIL line, not a traceback."""
    for check in CHECKS:
        try:
            yield check(app)
        except Exception as exc:
            name = check.__name__.removeprefix("check_").replace("_", " ")
            yield Result(FAIL, name, f"{type(exc).__name__}: {exc}"[:300], "see the message")


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Preflight for production: settings, database, Redis, SMTP, uploads, the inbound
    Maildir, fonts."""
    failed = 0
    for result in run_checks(current_app):
        colour = {OK: "green", WARN: "yellow", FAIL: "red"}[result.status]
        label = click.style(f"{result.status:<4}", fg=colour)
        click.echo(f"{label} {result.name}: {result.detail}")
        if result.fix:
            click.echo(f"     fix: {result.fix}")
        failed += result.status == FAIL
    if failed:
        click.echo(f"{failed} check(s) failed.")
        raise SystemExit(1)
    click.echo("Ready for production." if _production(current_app) else "All checks passed.")
