"""Cached renders: one job per (letter, kind, cache key), rendered inline or by the worker.

A render takes seconds for a long list, so it never runs inside a database transaction:
a job is claimed (status running, committed), rendered, then finished in a second
transaction. The unique (letter, kind, cache key) makes two coordinators asking at once
share one job; the cache key changes with the list, the text, the options or the renderer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from campaign.auth.models import User
from campaign.db import utcnow, write_intent
from campaign.delivery.models import RenderJob, RenderKind, RenderStatus
from campaign.delivery.snapshot import prepare_snapshot
from campaign.letters.models import Letter
from campaign.printing import LetterSnapshot, render_cache_key, render_docx, render_pdf
from campaign.uploads.store import StoredFile, UploadStore

log = logging.getLogger("campaign.delivery")

# Far above any letter (10,000 names make a PDF of a few MB).
MAX_RENDER_BYTES = 500 * 1024 * 1024
# A worker rendering a job renews its claim (heartbeat_at) every third of this; a running
# job whose claim is older was left by a worker that died, and is claimed again.
DEFAULT_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class RenderRequest:
    """What asking for a render did: the job, and whether this caller must render it now."""

    job: RenderJob
    render_inline: bool


def render_bytes(
    snapshot: LetterSnapshot, kind: RenderKind, *, static_dir: Path | str, store: UploadStore
) -> bytes:
    """The file for ``snapshot`` (no database access)."""
    if kind is RenderKind.PDF:
        return render_pdf(snapshot, static_dir=static_dir, upload_store=store)
    return render_docx(snapshot, upload_store=store)


def store_render(data: bytes, kind: RenderKind, store: UploadStore) -> StoredFile:
    """Keep a rendered file in the upload store (checked like any upload)."""
    return store.save(data, allowed={kind.value}, max_bytes=MAX_RENDER_BYTES)


def find_job(session: Session, letter: Letter, kind: RenderKind, key: str) -> RenderJob | None:
    """The job for this exact snapshot, if one was asked for."""
    return session.scalar(
        sa.select(RenderJob).where(
            RenderJob.letter_id == letter.id, RenderJob.kind == kind, RenderJob.cache_key == key
        )
    )


def current_jobs(
    session: Session, letter: Letter, store: UploadStore
) -> tuple[dict[RenderKind, RenderJob | None], int]:
    """The PDF and .docx jobs for the letter as it prints today (None: not asked for, or
    its file is gone), and how many signatories it has."""
    snapshot = prepare_snapshot(session, letter).snapshot
    jobs: dict[RenderKind, RenderJob | None] = {}
    for kind in RenderKind:
        job = find_job(session, letter, kind, render_cache_key(snapshot, kind))
        is_done = job is not None and job.status == RenderStatus.DONE
        if is_done and not (job.result_sha256 and store.exists(job.result_sha256)):
            job = None
        jobs[kind] = job
    return jobs, len(snapshot.signatories)


def request_render(
    session: Session,
    letter: Letter,
    kind: RenderKind,
    *,
    actor: User | None,
    inline_max: int,
    store: UploadStore,
    now: datetime | None = None,
) -> RenderRequest:
    """Find or create the job for the letter as it prints now.

    A new job for at most ``inline_max`` signatories is claimed for the caller to render
    at once (:func:`run_claimed`); a larger one is queued for the worker. A failed job, or
    a done one whose file is missing, is queued again.
    """
    now = now or utcnow()
    snapshot = prepare_snapshot(session, letter).snapshot
    key = render_cache_key(snapshot, kind)
    job = find_job(session, letter, kind, key)
    created = False
    if job is None:
        job = RenderJob(
            letter_id=letter.id,
            kind=kind,
            cache_key=key,
            status=RenderStatus.QUEUED,
            signatories=len(snapshot.signatories),
            snapshot_json=snapshot.to_json(),
            requested_by_id=actor.id if actor else None,
            requested_at=now,
        )
        try:
            with session.begin_nested():
                session.add(job)
        except sa.exc.IntegrityError:
            # another request inserted the same job first: share it
            job = find_job(session, letter, kind, key)
            assert job is not None
        else:
            created = True
            _forget_older(session, letter, kind, keep=job.id)
    elif job.status == RenderStatus.FAILED or (
        job.status == RenderStatus.DONE
        and not (job.result_sha256 and store.exists(job.result_sha256))
    ):
        job.status = RenderStatus.QUEUED
        job.snapshot_json = snapshot.to_json()
        job.error = None
        job.requested_at = now
        job.requested_by_id = actor.id if actor else None
        created = True
    inline = created and job.signatories <= inline_max
    if inline:
        _claim(job, now)
    session.flush()
    return RenderRequest(job, inline)


def _forget_older(session: Session, letter: Letter, kind: RenderKind, keep: int) -> None:
    # Renders of earlier states of the list are never served again; their files stay in
    # the store (a delivery may share one).
    session.execute(
        sa.delete(RenderJob).where(
            RenderJob.letter_id == letter.id,
            RenderJob.kind == kind,
            RenderJob.id != keep,
            RenderJob.status.in_((RenderStatus.DONE, RenderStatus.FAILED)),
        )
    )


def _claim(job: RenderJob, now: datetime) -> None:
    job.status = RenderStatus.RUNNING
    job.started_at = now
    job.heartbeat_at = now
    job.finished_at = None
    job.attempts += 1


def run_claimed(
    job: RenderJob, *, static_dir: Path | str, store: UploadStore
) -> StoredFile | Exception:
    """Render a claimed job's snapshot and store the file; an error is returned, not raised.

    Touches no database: call it between the transaction that claimed the job and the
    one that finishes it (:func:`finish`).
    """
    try:
        snapshot = LetterSnapshot.from_json(job.snapshot_json)
        data = render_bytes(snapshot, RenderKind(job.kind), static_dir=static_dir, store=store)
        return store_render(data, RenderKind(job.kind), store)
    except Exception as exc:  # a render that fails is reported on the page, not a crash
        log.exception("Render job %s failed", job.id)
        return exc


def finish(session: Session, job: RenderJob, outcome: StoredFile | Exception) -> RenderJob:
    """Record a render's outcome on its job."""
    job.finished_at = utcnow()
    if isinstance(outcome, Exception):
        job.status = RenderStatus.FAILED
        job.error = f"{type(outcome).__name__}: {outcome}"[:2000]
    else:
        job.status = RenderStatus.DONE
        job.result_sha256 = outcome.sha256
        job.result_size = outcome.size
        job.error = None
        job.snapshot_json = ""  # the file is what is kept now
    session.flush()
    return job


def _due(now: datetime, lease: timedelta) -> sa.ColumnElement[bool]:
    claimed = sa.func.coalesce(RenderJob.heartbeat_at, RenderJob.started_at)
    return sa.or_(
        RenderJob.status == RenderStatus.QUEUED,
        sa.and_(RenderJob.status == RenderStatus.RUNNING, claimed < now - lease),
    )


def claim_next(
    session: Session, now: datetime | None = None, *, lease: timedelta = DEFAULT_LEASE
) -> RenderJob | None:
    """Take the oldest queued job (or one a dead worker left running) for this worker."""
    now = now or utcnow()
    # SKIP LOCKED: several workers on PostgreSQL never take the same job; on SQLite the
    # write lock (write_intent) serialises them instead.
    job = session.scalar(
        sa.select(RenderJob)
        .where(_due(now, lease))
        .order_by(RenderJob.requested_at, RenderJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if job is not None:
        _claim(job, now)
        session.flush()
    return job


def renew(session: Session, job_id: int, attempt: int, now: datetime | None = None) -> bool:
    """Renew this worker's claim on a job it is rendering; False if the job is no longer
    its own (finished, or taken over after the claim ran out)."""
    result = session.execute(
        sa.update(RenderJob)
        .where(
            RenderJob.id == job_id,
            RenderJob.attempts == attempt,
            RenderJob.status == RenderStatus.RUNNING,
        )
        .values(heartbeat_at=now or utcnow())
    )
    return result.rowcount == 1


@contextmanager
def _heartbeat(
    session_factory: sessionmaker[Session] | object, job_id: int, attempt: int, every: float
) -> Iterator[None]:
    """Renew the claim every ``every`` seconds from a thread while the render runs.

    A render takes seconds to minutes and holds no transaction; without a heartbeat a
    job whose worker died (SIGKILL, out of memory, a lost machine) could not be told
    from one still rendering, so it waited a fixed half hour before anyone took it again.
    """
    stop = threading.Event()

    def beat() -> None:
        write_intent.set(True)  # (a thread starts with a fresh context)
        while not stop.wait(every):
            try:
                with session_factory() as session, session.begin():
                    if not renew(session, job_id, attempt):
                        return
            except Exception:  # a missed beat is retried; the lease allows two more
                log.warning("Render job %s: could not renew the claim", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"render-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def finish_claimed(
    session: Session, job_id: int, attempt: int, outcome: StoredFile | Exception
) -> RenderJob | None:
    """Record the outcome of the render this worker claimed as ``attempt``; None (nothing
    recorded) when the job was deleted, or taken over by another worker meanwhile."""
    row = session.get(RenderJob, job_id, with_for_update=True)
    if row is None:  # the letter was deleted meanwhile
        return None
    if row.status != RenderStatus.RUNNING or row.attempts != attempt:
        log.warning("Render job %s was taken over by another worker; result dropped", job_id)
        return None
    return finish(session, row, outcome)


def _any_due(session_factory: sessionmaker[Session] | object, lease: timedelta) -> bool:
    # A plain read first: an idle worker polling every few seconds must not take SQLite's
    # write lock each time (a command that read before writing would then fail at once
    # with "database is locked" instead of waiting).
    with session_factory() as session:
        query = sa.select(RenderJob.id).where(_due(utcnow(), lease)).limit(1)
        return session.scalar(query) is not None


def process_render_jobs(
    session_factory: sessionmaker[Session] | object,
    *,
    static_dir: Path | str,
    store: UploadStore,
    limit: int = 1,
    lease: timedelta = DEFAULT_LEASE,
) -> tuple[int, int]:
    """Render up to ``limit`` queued jobs, one at a time; returns (done, failed) counts."""
    done = failed = 0
    if not _any_due(session_factory, lease):
        return done, failed
    token = write_intent.set(True)
    try:
        for _ in range(limit):
            with session_factory() as session, session.begin():
                job = claim_next(session, lease=lease)
                if job is None:
                    break
                session.expunge(job)  # keep its values for the render, outside the transaction
            every = lease.total_seconds() / 3
            with _heartbeat(session_factory, job.id, job.attempts, every):
                outcome = run_claimed(job, static_dir=static_dir, store=store)
            with session_factory() as session, session.begin():
                if finish_claimed(session, job.id, job.attempts, outcome) is None:
                    continue
            if isinstance(outcome, Exception):
                failed += 1
            else:
                done += 1
    finally:
        write_intent.reset(token)
    return done, failed
