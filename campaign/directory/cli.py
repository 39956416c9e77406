"""``flask --app campaign directory-backfill``: link older sign-ons to the directory."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from campaign import db


@click.command("directory-backfill")
@with_appcontext
def backfill_command() -> None:
    """Link every sign-on without an organization or contact (idempotent)."""
    from campaign.directory.backfill import backfill

    n = backfill(db.session.connection())
    db.session.commit()
    click.echo(f"Linked {n} sign-ons to the directory.")
