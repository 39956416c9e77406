"""Flask commands: db upgrade, create-user, demo, send-mail, backup, restore, import-287g."""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from campaign import db
from campaign.auth.models import Role
from campaign.auth.services import create_user
from campaign.core.errors import DomainError

db_cli = AppGroup("db", help="Database migrations.")


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

    login = load_demo(db.session, Path(current_app.instance_path))
    db.session.commit()
    click.echo("Demo data ready.")
    click.echo(f"Demo admin login: {login.email} / {login.password}")


@click.command("send-mail")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep running, polling the outbox.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def send_mail_command(loop: bool, interval: float) -> None:
    """Deliver due messages from the outbox (SMTP, or .eml files without SMTP settings)."""
    from sqlalchemy.orm import sessionmaker

    from campaign.mail.transport import from_config
    from campaign.mail.worker import deliver_due

    app = current_app
    transport = from_config(app.config, Path(app.config["MAIL_DIR"]))
    factory = sessionmaker(bind=db.get_engine(app), expire_on_commit=False)
    while True:
        sent, failed = deliver_due(factory, transport, app.config["MAIL_FROM"])
        if sent or failed or not loop:
            click.echo(f"Outbox: {sent} sent, {failed} failed.")
        if not loop:
            return
        time.sleep(interval)


def _writes(command: click.Command) -> click.Command:
    """Run the command with write intent: on SQLite its transactions BEGIN IMMEDIATE.

    A deferred transaction that reads, then writes, fails at once with "database is
    locked" when another process (the app, the mail worker) wrote in between; taking
    the write lock first makes it wait on the busy timeout instead.
    """
    callback = command.callback
    if callback is None or getattr(callback, "_writes", False):
        return command

    @functools.wraps(callback)
    def wrapped(*args, **kwargs):
        token = db.write_intent.set(True)
        try:
            return callback(*args, **kwargs)
        finally:
            db.write_intent.reset(token)

    wrapped._writes = True  # type: ignore[attr-defined]
    command.callback = wrapped
    return command


def init_app(app: Flask) -> None:
    """Register the commands."""
    from campaign.agencies.cli import import_287g_command
    from campaign.backup.cli import backup_command, restore_command
    from campaign.directory.cli import backfill_command

    for cmd in (
        db_cli,
        create_user_command,
        demo_command,
        send_mail_command,
        backup_command,
        restore_command,
        import_287g_command,
        backfill_command,
    ):
        app.cli.add_command(cmd)
    for cmd in (create_user_command, demo_command, import_287g_command):
        _writes(cmd)
