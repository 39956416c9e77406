"""gunicorn.conf.py, which gunicorn reads from the project's root (tests/servers.py starts
gunicorn there too)."""

import gc
import runpy

# prometheus-client picks its storage once, when first imported: imported here, before a
# test below sets PROMETHEUS_MULTIPROC_DIR, it stays in this process's memory, as the
# rest of the suite expects (gunicorn's workers import it with the folder set).
import prometheus_client  # noqa: F401

from campaign.config import ROOT


def test_a_worker_freezes_what_it_loaded_at_start():
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000  # the app's modules, models, templates…
    finally:
        gc.unfreeze()


def test_workers_share_a_metrics_folder_that_goes_with_the_server(monkeypatch):
    import os
    from pathlib import Path
    from types import SimpleNamespace

    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # set (empty) through monkeypatch, so that what on_starting sets is undone after
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    server = SimpleNamespace()
    hooks["on_starting"](server)
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    assert folder.is_dir()
    hooks["child_exit"](server, SimpleNamespace(pid=999_999))
    hooks["on_exit"](server)
    assert not folder.exists()


def test_a_metrics_folder_from_the_environment_is_kept(monkeypatch, tmp_path):
    from types import SimpleNamespace

    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    server = SimpleNamespace()
    hooks["on_starting"](server)
    hooks["on_exit"](server)
    assert tmp_path.is_dir()
