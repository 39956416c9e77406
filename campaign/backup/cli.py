"""The ``backup`` and ``restore`` commands."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from campaign.backup.manifest import BackupError
from campaign.backup.services import create_backup, needs_upgrade, restore_backup


@click.command("backup")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_command(directory: Path) -> None:
    """Write the database and the uploaded files into a new folder under DIRECTORY.

    The app may keep running: SQLite is copied with its online backup API and
    PostgreSQL with pg_dump, both as one consistent snapshot.
    """
    try:
        summary = create_backup(current_app, directory)
    except BackupError as err:
        raise click.ClickException(err.message)
    except (OSError, sqlite3.Error) as err:
        raise click.ClickException(f"The backup failed: {err}")
    click.echo(
        f"Backup written to {summary.folder}: {summary.database} database "
        f"({len(summary.tables)} tables, {summary.rows} rows), {summary.uploads} uploaded files."
    )
    for note in summary.notes:
        click.echo(note)


@click.command("restore")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--yes", is_flag=True, help="Replace a database that already holds data (it is overwritten)."
)
def restore_command(directory: Path, yes: bool) -> None:
    """Restore the backup folder DIRECTORY (the one holding manifest.json).

    Checks the manifest and every file's sha256 first. Stop the app and the mail
    workers while restoring on PostgreSQL.
    """
    try:
        summary = restore_backup(current_app, directory, replace=yes)
    except BackupError as err:
        raise click.ClickException(err.message)
    except (OSError, sqlite3.Error) as err:
        raise click.ClickException(f"The restore failed: {err}")
    click.echo(
        f"Restored {summary.folder}: {summary.database} database ({len(summary.tables)} "
        f"tables, {summary.rows} rows), {summary.uploads} uploaded files."
    )
    for note in summary.notes:
        click.echo(note)
    if needs_upgrade(summary.alembic_revision):
        click.echo("The backup is from an older version: run `flask --app campaign db upgrade`.")
