"""``flask ingest-mail``: read bounces and replies from .eml files, a Maildir or an mbox."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from campaign import db
from campaign.core.clock import local_today
from campaign.db import utcnow
from campaign.inbound import sources
from campaign.inbound.parse import Limits
from campaign.inbound.services import Context, Outcome, ingest, record_failure
from campaign.uploads.store import store_for

log = logging.getLogger("campaign.inbound")


def _context(name: str, prefix: str) -> Context:
    app = current_app
    return Context(
        store=store_for(app),
        limits=Limits.from_config(app.config),
        now=utcnow(),
        today=local_today(),
        source=f"{prefix} {name}",
    )


def ingest_item(item: sources.Item, prefix: str = "ingest-mail") -> Outcome | None:
    """Ingest one message in its own transaction; never raises for the mail's sake."""
    if item.error:
        return None
    ctx = _context(item.name, prefix)
    token = db.write_intent.set(True)  # reads then writes: take SQLite's lock up front
    try:
        try:
            outcome = ingest(db.session, item.raw, ctx)
            db.session.commit()
        except Exception as exc:  # a bug must not stop the other messages
            db.session.rollback()
            log.exception("ingest-mail: %s could not be processed", item.name)
            outcome = record_failure(db.session, ctx, item.raw, exc)
            db.session.commit()
    finally:
        db.write_intent.reset(token)
    return outcome


def _run(items, counts: Counter, prefix: str) -> None:
    for item in items:
        outcome = ingest_item(item, prefix)
        if outcome is None:
            counts["unreadable"] += 1
            click.echo(f"{item.name}: unreadable ({item.error})")
            continue
        counts["already read" if outcome.duplicate else outcome.kind.label.lower()] += 1
        click.echo(f"{item.name}: {outcome.line}")
        for note in outcome.notes:
            click.echo(f"  {note}")
        if item.path is not None:
            sources.mark_seen(item.path)


def ingest_maildir(path: Path, *, limit: int = 20, prefix: str = "worker") -> int:
    """Read up to ``limit`` new messages of a Maildir (the worker's round when
    CAMPAIGN_INBOUND_MAILDIR is set); how many were read."""
    if not sources.is_maildir(path):
        log.warning("CAMPAIGN_INBOUND_MAILDIR=%s is not a Maildir (new/ and cur/)", path)
        return 0
    counts: Counter = Counter()
    max_bytes = Limits.from_config(current_app.config).max_bytes
    _run(sources.maildir_new(path, max_bytes, limit=limit), counts, prefix)
    return sum(counts.values())


def _summary(counts: Counter) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return f"{total} message{'s' if total != 1 else ''}" + (f": {parts}." if parts else ".")


@click.command("ingest-mail")
@with_appcontext
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--loop", "loop_dir", type=click.Path(path_type=Path),
    help="Watch this Maildir: ingest each new message, move it to cur/ (seen), repeat.",
)  # fmt: skip
@click.option("--interval", default=10.0, show_default=True, help="Seconds between two looks.")
@click.option("--iterations", default=0, help="Stop after this many looks (0: never).")
def ingest_mail_command(
    path: Path | None, loop_dir: Path | None, interval: float, iterations: int
) -> None:
    """Read bounces and replies: PATH is an .eml file, a directory of them, a Maildir or
    an mbox. Each message gets a report line; the exit code is non-zero only when PATH
    cannot be read as mail."""
    if (path is None) == (loop_dir is None):
        raise click.UsageError("Give either PATH or --loop DIR.")
    limits = Limits.from_config(current_app.config)
    counts: Counter = Counter()
    if path is not None:
        try:
            _run(sources.read(path, limits.max_bytes), counts, "ingest-mail")
        except sources.SourceError as err:
            raise click.ClickException(str(err))
        click.echo(_summary(counts))
        return
    assert loop_dir is not None
    if not sources.is_maildir(loop_dir):
        raise click.ClickException(f"{loop_dir}: not a Maildir (it needs new/ and cur/).")
    from campaign.cli import _stop_on_signals

    stop = _stop_on_signals() if not iterations else threading.Event()
    looks = 0
    click.echo(f"Watching {loop_dir} every {interval:g} s.")
    while not stop.is_set():
        before = sum(counts.values())
        _run(sources.maildir_new(loop_dir, limits.max_bytes), counts, "loop")  # new/ only
        looks += 1
        if sum(counts.values()) > before:
            click.echo(_summary(counts))
        if iterations and looks >= iterations:
            break
        stop.wait(interval)
    click.echo(f"Stopped. {_summary(counts)}")
