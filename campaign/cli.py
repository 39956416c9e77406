"""Flask commands: db upgrade, create-user, demo, worker/send-mail, backup, restore,
import-287g, check, ingest-mail."""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from campaign import db
from campaign.auth.models import Role
from campaign.auth.services import create_user
from campaign.core.errors import DomainError

db_cli = AppGroup("db", help="Database migrations.")


@contextlib.contextmanager
def _writing() -> Iterator[None]:
    # A command that reads before it writes takes SQLite's write lock up front (BEGIN
    # IMMEDIATE) and so waits its turn: upgrading a read transaction while a worker holds
    # the lock fails at once with "database is locked", without waiting.
    token = db.write_intent.set(True)
    try:
        yield
    finally:
        db.write_intent.reset(token)


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the migrations to the configured database."""
    from campaign.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database upgraded to {revision}.")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MEMBER.value,
    show_default=True,
)
@click.option("--name", default="", help="Display name (defaults to the email).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account; the password comes from a prompt or standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _writing():
        try:
            user = create_user(
                db.session, email=email, name=name or email, password=password, role=Role(role)
            )
        except DomainError as err:
            db.session.rollback()
            raise click.ClickException(err.message)
        db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo data (idempotent: a second run changes nothing)."""
    from campaign.demo import load_demo

    with _writing():
        login = load_demo(db.session, Path(current_app.instance_path))
        db.session.commit()
    click.echo("Demo data ready.")
    click.echo(f"Demo admin login: {login.email} / {login.password}")


def _work(loop: bool, interval: float) -> None:
    from datetime import timedelta

    from sqlalchemy.orm import sessionmaker

    from campaign.delivery.rendering import process_render_jobs
    from campaign.embargo.jobs import run_due as run_embargoes
    from campaign.mail.transport import from_config
    from campaign.mail.worker import deliver_due
    from campaign.uploads.store import store_for
    from campaign.webhooks.worker import Settings
    from campaign.webhooks.worker import deliver_due as deliver_webhooks

    app = current_app
    hooks = Settings.from_config(app.config)
    transport = from_config(app.config, Path(app.config["MAIL_DIR"]))
    factory = sessionmaker(bind=db.get_engine(app), expire_on_commit=False)
    store = store_for(app)
    stop = _stop_on_signals() if loop else threading.Event()
    while not stop.is_set():
        sent, failed = deliver_due(
            factory,
            transport,
            app.config["MAIL_FROM"],
            stopping=stop.is_set,
            read_attachment=store.read,
        )
        if sent or failed or not loop:
            click.echo(f"Outbox: {sent} sent, {failed} failed.")
        if stop.is_set():
            break
        posted, refused = deliver_webhooks(factory, hooks, stopping=stop.is_set)
        if posted or refused or not loop:
            click.echo(f"Webhooks: {posted} delivered, {refused} failed attempts.")
        if stop.is_set():
            break
        # one render per round, so that a long list delays the mail by one render at most
        done, broken = process_render_jobs(
            factory,
            static_dir=app.static_folder,
            store=store,
            limit=1 if loop else 100,
            lease=timedelta(seconds=app.config["RENDER_LEASE_SECONDS"]),
        )
        if done or broken or not loop:
            click.echo(f"Renders: {done} done, {broken} failed.")
        embargoes = run_embargoes(factory, static_dir=app.static_folder, store=store)
        if embargoes.reminded or embargoes.released or not loop:
            click.echo(f"Embargoes: {embargoes.released} released, {embargoes.reminded} reminders.")
        _manage_digests(factory, loop)
        followed = _follow_ups(app, factory, loop)
        if followed:
            click.echo(f"Follow-ups: {followed} sent.")
        read = _mail_in(app)
        if read:
            click.echo(f"Mail in: {read} read.")
        if not loop:
            return
        if not (sent or failed or done or broken or read or posted or refused):
            stop.wait(interval)
    click.echo("Worker stopped.")


_FOLLOW_UP_EVERY = 300.0  # seconds between two looks for due follow-ups
_last_follow_up_round = [float("-inf")]


def _follow_ups(app: Flask, factory, loop: bool) -> int:
    """Send the consolidated follow-ups that are due (CAMPAIGN_FOLLOWUP_AUTO), every few
    minutes in a loop: their rule is in days, not seconds."""
    import time

    from campaign.core.clock import local_today
    from campaign.sending.followups import send_due_follow_ups

    if not app.config.get("FOLLOWUP_AUTO"):
        return 0
    now = time.monotonic()
    if loop and now - _last_follow_up_round[0] < _FOLLOW_UP_EVERY:
        return 0
    _last_follow_up_round[0] = now
    with factory() as session, session.begin():
        sent, problems = send_due_follow_ups(session, local_today())
    for problem in problems:
        click.echo(f"Follow-up not sent: {problem}")
    return sent


_DIGEST_EVERY = 600.0  # seconds between two looks for a day's digests to send
_last_digest_round = [float("-inf")]


def _manage_digests(factory, loop: bool) -> None:
    """Yesterday's digest of signers' changes, per campaign, once (campaign.manage.digest):
    looked at every few minutes; the digest table makes a second look send nothing."""
    import time

    from campaign.manage.digest import send_digests

    now = time.monotonic()
    if loop and now - _last_digest_round[0] < _DIGEST_EVERY:
        return
    _last_digest_round[0] = now
    with factory() as session, session.begin():
        sent = send_digests(session)
    if sent:
        click.echo(f"Digests: {sent} sent.")


MAIL_IN_PER_ROUND = 20


def _mail_in(app: Flask) -> int:
    """Bounces and replies delivered into CAMPAIGN_INBOUND_MAILDIR since the last round
    (a few per round, so that a flood of mail never holds the outbox back)."""
    maildir = app.config.get("INBOUND_MAILDIR")
    if not maildir:
        return 0
    from campaign.inbound.cli import ingest_maildir

    return ingest_maildir(Path(maildir), limit=MAIL_IN_PER_ROUND)


def _stop_on_signals() -> threading.Event:
    """SIGTERM (systemd, Docker, an upgrade) and SIGINT end the loop between two messages:
    a message being sent is finished and recorded as sent, so that a restart never
    sends it again (killed mid-send, the relay could have it while the outbox does not)."""
    stop = threading.Event()

    def handle(signum: int, _frame: object) -> None:
        click.echo(f"Stopping after the current message ({signal.Signals(signum).name}).")
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)
    return stop


_LOOP = click.option("--loop", is_flag=True, help="Keep running, polling for work.")
_INTERVAL = click.option(
    "--interval", default=2.0, show_default=True, help="Seconds between polls when idle."
)


@click.command("worker")
@with_appcontext
@_LOOP
@_INTERVAL
def worker_command(loop: bool, interval: float) -> None:
    """Background work: deliver the outbox and webhooks, render queued letters (PDF, .docx),
    release due embargoes (and remind a day ahead), send due follow-ups, read bounces and
    replies from CAMPAIGN_INBOUND_MAILDIR."""
    _work(loop, interval)


@click.command("send-mail")
@with_appcontext
@_LOOP
@_INTERVAL
def send_mail_command(loop: bool, interval: float) -> None:
    """The worker under its first name: delivers the outbox and renders queued letters."""
    _work(loop, interval)


def _writes(command: click.Command) -> click.Command:
    """Run a whole command under ``_writing()`` (for commands defined in other packages)."""
    callback = command.callback
    if callback is None or getattr(callback, "_writes", False):
        return command

    @functools.wraps(callback)
    def wrapped(*args, **kwargs):
        with _writing():
            return callback(*args, **kwargs)

    wrapped._writes = True  # type: ignore[attr-defined]
    command.callback = wrapped
    return command


def init_app(app: Flask) -> None:
    """Register the commands."""
    from campaign.agencies.cli import import_287g_command
    from campaign.api.cli import api_token_cli
    from campaign.backup.cli import backup_command, restore_command
    from campaign.directory.cli import backfill_command
    from campaign.inbound.cli import ingest_mail_command
    from campaign.ops.check import check_command
    from campaign.search.cli import reindex_command

    for cmd in (
        db_cli,
        create_user_command,
        demo_command,
        send_mail_command,
        worker_command,
        backup_command,
        restore_command,
        import_287g_command,
        backfill_command,
        check_command,
        reindex_command,
        ingest_mail_command,
        api_token_cli,
    ):
        app.cli.add_command(cmd)
    _writes(import_287g_command)
    _writes(reindex_command)
