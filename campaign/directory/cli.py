"""``flask --app campaign directory-backfill``: link older sign-ons to the directory."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from campaign import db


@click.command("directory-backfill")
@with_appcontext
def backfill_command() -> None:
    """Link every sign-on that counts without an organization or contact, and remove
    what rejected or merged sign-ons alone had brought in (idempotent)."""
    from campaign.directory.backfill import backfill
    from campaign.directory.upkeep import prune_all

    n = backfill(db.session.connection())
    orgs, contacts = prune_all(db.session)
    db.session.commit()
    click.echo(f"Linked {n} sign-ons to the directory.")
    click.echo(f"Removed {orgs} organizations and {contacts} contacts no sign-on stands behind.")
