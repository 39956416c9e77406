"""gunicorn settings, read from the directory gunicorn starts in (the project's root).

Flags on the command line (workers, bind, worker class) still choose the rest.
"""

import gc


def post_worker_init(worker):
    """Leave what the worker loaded at start out of the garbage collector's passes.

    The modules, models, forms and templates loaded with the app live as long as the
    worker; without this every full collection walks all of them again. The Python
    documentation suggests gc.freeze() for pre-fork servers; here it took about 5% off
    the CPU of a sign-on POST (bench/signon_load.py).
    """
    gc.collect()
    gc.freeze()


def on_starting(server):
    """Give the workers one folder for their metrics, so that /metrics adds them up.

    prometheus-client keeps each process's counters in files there when
    PROMETHEUS_MULTIPROC_DIR is set (it must be set before a worker loads the app).
    A folder given in the environment is used as it is; otherwise one is made for this
    server and removed when it stops.
    """
    import os
    import tempfile

    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="campaign-metrics-")
        server._campaign_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def child_exit(server, worker):
    """A worker that stopped no longer counts in the live gauges (its counters stay)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics folder this server made."""
    import shutil

    made = getattr(server, "_campaign_metrics_dir", None)
    if made:
        shutil.rmtree(made, ignore_errors=True)
