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
