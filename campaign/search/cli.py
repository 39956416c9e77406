"""``flask --app campaign reindex``: rebuild every search index from its table."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from campaign import db


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Recompute every row's indexed text, recreate the index objects and triggers if
    any went missing, and refill the indexes and their word lists (idempotent)."""
    import campaign.models  # noqa: F401 (every searchable model registers its index)
    from campaign.search.index import INDEXES
    from campaign.search.rebuild import rebuild

    conn = db.session.connection()
    for index in INDEXES.values():
        changed = rebuild(conn, index)
        click.echo(f"{index.table}: reindexed ({changed} rows whose text had changed).")
    db.session.commit()
