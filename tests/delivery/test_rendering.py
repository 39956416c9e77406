"""The current PDF and .docx: rendered inline when short, by the worker when long, cached."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from flask import current_app

from campaign.delivery import rendering
from campaign.delivery.models import RenderJob, RenderKind, RenderStatus
from campaign.uploads.store import store_for
from tests.delivery.factories import add_signon, url
from tests.factories import reload
from tests.letters.factories import make_letter


def _jobs(session, letter):
    session.expire_all()
    return list(session.scalars(sa.select(RenderJob).where(RenderJob.letter_id == letter.id)))


@pytest.fixture
def renders(monkeypatch):
    """Counts real renders (the renderer itself is tested in tests/printing)."""
    calls = []
    real = rendering.render_bytes

    def counting(snapshot, kind, **kw):
        calls.append((kind, len(snapshot.signatories)))
        return real(snapshot, kind, **kw)

    monkeypatch.setattr(rendering, "render_bytes", counting)
    return calls


def test_a_short_letter_renders_at_once_and_downloads(session, login_as, renders):
    letter = make_letter(session)
    add_signon(session, letter, "Texas Rights Alliance")
    coordinator = login_as("coordinator")
    response = coordinator.post(url(letter, "/render/pdf"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(letter, "/draft/pdf"))
    download = coordinator.get(url(letter, "/draft/pdf"))
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF-")
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # asked again: the cached file, no second render, no second job
    again = coordinator.post(url(letter, "/render/pdf"))
    assert again.headers["Location"].endswith(url(letter, "/draft/pdf"))
    assert renders == [(RenderKind.PDF, 1)]
    [job] = _jobs(session, letter)
    assert job.status == RenderStatus.DONE and job.snapshot_json == ""
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "Download PDF" in page and 'http-equiv="refresh"' not in page


def test_docx_downloads_as_a_word_document(session, login_as):
    letter = make_letter(session)
    add_signon(session, letter, "Texas Rights Alliance")
    coordinator = login_as("coordinator")
    coordinator.post(url(letter, "/render/docx"))
    download = coordinator.get(url(letter, "/draft/docx"))
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert ".docx" in download.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert "Texas Rights Alliance" in archive.read("word/document.xml").decode()


def test_a_change_to_the_list_makes_a_new_render(session, login_as, renders):
    letter = make_letter(session)
    add_signon(session, letter, "First Org")
    coordinator = login_as("coordinator")
    coordinator.post(url(letter, "/render/pdf"))
    add_signon(session, letter, "Second Org")
    stale = coordinator.get(url(letter, "/draft/pdf"))
    assert stale.status_code == 302 and stale.headers["Location"].endswith(url(letter))
    assert "Make PDF" in coordinator.get(url(letter)).get_data(as_text=True)
    coordinator.post(url(letter, "/render/pdf"))
    assert renders == [(RenderKind.PDF, 1), (RenderKind.PDF, 2)]
    # the render of the older list is forgotten
    assert [j.signatories for j in _jobs(session, letter)] == [2]


def test_a_long_letter_is_queued_and_rendered_by_the_worker(
    app, session, login_as, worker_sessions, monkeypatch, renders
):
    monkeypatch.setitem(app.config, "RENDER_INLINE_MAX", 1)
    letter = make_letter(session)
    add_signon(session, letter, "First Org")
    add_signon(session, letter, "Second Org")
    coordinator, other = login_as("coordinator"), login_as("coordinator")
    response = coordinator.post(url(letter, "/render/pdf"))
    assert response.headers["Location"].endswith(url(letter))
    assert renders == []
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "In progress" in page and "Waiting for the worker" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    # a second coordinator asking meanwhile shares the queued job
    other.post(url(letter, "/render/pdf"))
    [job] = _jobs(session, letter)
    assert job.status == RenderStatus.QUEUED
    assert other.get(url(letter, "/draft/pdf")).status_code == 302

    with app.app_context():
        done = rendering.process_render_jobs(
            worker_sessions, static_dir=app.static_folder, store=store_for(current_app)
        )
    assert done == (1, 0)
    assert renders == [(RenderKind.PDF, 2)]
    [job] = _jobs(session, letter)
    assert job.status == RenderStatus.DONE and job.started_at and job.finished_at
    page = coordinator.get(url(letter)).get_data(as_text=True)
    assert "Download PDF" in page and 'http-equiv="refresh"' not in page
    assert coordinator.get(url(letter, "/draft/pdf")).data.startswith(b"%PDF-")
    # asked again: served from the cache
    assert other.post(url(letter, "/render/pdf")).headers["Location"].endswith("/draft/pdf")
    assert len(renders) == 1 and len(_jobs(session, letter)) == 1
    # nothing left for the worker
    assert rendering.process_render_jobs(
        worker_sessions, static_dir=app.static_folder, store=store_for(app)
    ) == (0, 0)


def test_two_requests_racing_share_one_job(app, session, make_user, monkeypatch):
    """The second request looked before the first inserted: its INSERT hits the unique
    key, and it takes the first one's job instead of making another."""
    letter = make_letter(session)
    add_signon(session, letter, "First Org")
    user = make_user()
    store = store_for(app)
    first = rendering.request_render(
        session, letter, RenderKind.PDF, actor=user, inline_max=0, store=store
    )
    session.commit()
    real_find = rendering.find_job
    calls = []

    def find_after_race(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_find(*args)

    monkeypatch.setattr(rendering, "find_job", find_after_race)
    second = rendering.request_render(
        session, letter, RenderKind.PDF, actor=user, inline_max=0, store=store
    )
    session.commit()
    assert len(calls) == 2  # looked, collided, looked again
    assert second.job.id == first.job.id and not second.render_inline
    assert len(_jobs(session, letter)) == 1


def test_a_failed_render_is_shown_and_can_be_tried_again(session, login_as, monkeypatch):
    letter = make_letter(session)
    coordinator = login_as("coordinator")

    def broken(*args, **kw):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(rendering, "render_bytes", broken)
    response = coordinator.post(url(letter, "/render/pdf"), follow_redirects=True)
    assert "layout exploded" in response.get_data(as_text=True)
    [job] = _jobs(session, letter)
    assert job.status == RenderStatus.FAILED
    monkeypatch.undo()
    retry = coordinator.post(url(letter, "/render/pdf"))
    assert retry.headers["Location"].endswith("/draft/pdf")
    assert reload(session, job).status == RenderStatus.DONE


def test_unknown_kind_is_404(session, login_as):
    letter = make_letter(session)
    coordinator = login_as("coordinator")
    assert coordinator.post(url(letter, "/render/html")).status_code == 404
    assert coordinator.get(url(letter, "/draft/exe")).status_code == 404
