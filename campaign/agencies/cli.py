"""``flask import-287g``: import one of ICE's 287(g) workbooks from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from campaign import db
from campaign.agencies.ice_workbook import MAX_BYTES
from campaign.core.errors import DomainError


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"error": message}))
    raise click.ClickException(message)


@click.command("import-287g")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the list (default: the workbook's modified date, else the file name's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--force", is_flag=True, help="Import again even if this exact file was imported.")
def import_287g_command(file: Path, as_of, as_json: bool, force: bool) -> None:
    """Import ICE's participating or pending agencies workbook (.xlsx)."""
    from campaign.agencies.importer import import_workbook

    if not file.is_file():
        _fail(f"No such file: {file}", as_json)
    if file.stat().st_size > MAX_BYTES:
        _fail(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", as_json)
    as_of_date: date | None = as_of.date() if as_of else None
    try:
        report = import_workbook(
            db.session, file.read_bytes(), file_name=file.name, as_of=as_of_date, force=force
        )
    except DomainError as err:
        db.session.rollback()
        _fail(f"{file.name}: {err.message} Nothing was imported.", as_json)
    db.session.commit()
    if as_json:
        out = report.as_dict()
        out.pop("diff")
        out["diff"] = {
            key: len(value) for key, value in report.diff.items() if isinstance(value, list)
        }
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    if report.already_imported:
        click.echo(
            f"{file.name} was already imported (snapshot {report.snapshot_id}); nothing changed."
        )
        return
    click.echo(
        f"{file.name}: {report.list_type} list as of {report.as_of} ({report.as_of_source}), "
        f"{report.rows_read} rows read."
    )
    if report.diff.get("in_order", True):
        click.echo(
            f"Agreements: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.no_longer_listed} no longer listed."
        )
    renames = report.diff.get("renames", [])
    if renames:
        click.echo(f"{len(renames)} possible renames to confirm on the snapshot page.")
    for warning in report.warnings:
        where = f"row {warning['row']}" if warning["row"] else "file"
        click.echo(f"  {where}: {warning['message']}")
