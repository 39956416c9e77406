"""gunicorn.conf.py, which gunicorn reads from the project's root (tests/servers.py starts
gunicorn there too)."""

import gc
import runpy

from campaign.config import ROOT


def test_a_worker_freezes_what_it_loaded_at_start():
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000  # the app's modules, models, templates…
    finally:
        gc.unfreeze()
