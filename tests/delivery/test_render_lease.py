"""A render whose worker died is taken again after a short lease; a live worker keeps it.

Found by the cluster test (tests/cluster): a worker killed mid-render left its job
"running", and nobody took it again for 30 minutes.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import sessionmaker

from campaign.db import make_engine, utcnow
from campaign.delivery import rendering
from campaign.delivery.models import RenderJob, RenderKind, RenderStatus
from campaign.uploads.store import store_for
from tests.delivery.factories import add_signon
from tests.letters.factories import make_letter


def _queued_job(session, app) -> RenderJob:
    letter = make_letter(session)
    add_signon(session, letter, "First Org")
    asked = rendering.request_render(
        session, letter, RenderKind.PDF, actor=None, inline_max=0, store=store_for(app)
    )
    session.commit()
    assert not asked.render_inline
    return asked.job


def test_a_job_left_running_by_a_dead_worker_is_taken_again_after_the_lease(app, session):
    job = _queued_job(session, app)
    t0 = utcnow()
    assert rendering.claim_next(session, t0) is job  # ...and this worker dies
    session.commit()
    # two minutes later another worker takes it (it used to wait half an hour)
    again = rendering.claim_next(session, t0 + timedelta(minutes=2))
    assert again is not None and again.id == job.id and again.attempts == 2


def test_a_live_worker_keeps_its_job_past_the_lease(app, session):
    job = _queued_job(session, app)
    t0 = utcnow()
    assert rendering.claim_next(session, t0) is job
    assert rendering.renew(session, job.id, attempt=1, now=t0 + timedelta(seconds=50))
    assert rendering.claim_next(session, t0 + timedelta(seconds=100)) is None
    taken = rendering.claim_next(session, t0 + timedelta(seconds=111))
    assert taken is not None and taken.attempts == 2
    # the first worker's claim is gone: it can neither renew it nor finish the job
    assert not rendering.renew(session, job.id, attempt=1)
    assert rendering.finish_claimed(session, job.id, 1, RuntimeError("late")) is None
    assert session.get(RenderJob, job.id).status == RenderStatus.RUNNING
    done = rendering.finish_claimed(session, job.id, 2, RuntimeError("its own"))
    assert done is not None and done.status == RenderStatus.FAILED


@pytest.fixture
def own_database(tmp_path, database_url):
    """A database of its own (the heartbeat thread needs connections of its own)."""
    from tests.servers import scratch_database

    pg = database_url if database_url.startswith("postgresql") else None
    with scratch_database(tmp_path, pg, suffix="_lease") as url:
        from campaign.migrate import upgrade

        upgrade(url)
        engine = make_engine(url)
        yield sessionmaker(bind=engine, expire_on_commit=False)
        engine.dispose()


def test_the_worker_renews_its_claim_while_it_renders(app, own_database, monkeypatch):
    factory = own_database
    with factory() as session:
        job_id = _queued_job(session, app).id
    lease = timedelta(seconds=0.6)
    stolen = []

    def slow_render(snapshot, kind, **kw):
        time.sleep(2)  # more than three leases: only the heartbeat keeps the claim
        with factory() as other, other.begin():
            stolen.append(rendering.claim_next(other, lease=lease))
        return b"%PDF-1.4 fake"

    monkeypatch.setattr(rendering, "render_bytes", slow_render)
    monkeypatch.setattr(rendering, "store_render", _fake_store)
    with app.app_context():
        done = rendering.process_render_jobs(
            factory, static_dir=app.static_folder, store=store_for(current_app), lease=lease
        )
    assert done == (1, 0) and stolen == [None]
    with factory() as session:
        row = session.get(RenderJob, job_id)
        assert row.status == RenderStatus.DONE and row.attempts == 1
        assert row.heartbeat_at > row.started_at


def _fake_store(data, kind, store):
    from campaign.uploads.store import StoredFile

    return StoredFile(sha256="0" * 64, kind="pdf", size=len(data))


def test_an_idle_poll_does_not_count_a_live_claim_as_due(app, session):
    job = _queued_job(session, app)
    assert rendering.claim_next(session) is job
    session.commit()
    query = sa.select(RenderJob.id).where(rendering._due(utcnow(), rendering.DEFAULT_LEASE))
    assert session.scalar(query) is None
