"""What-if gunicorn config for `make bench ARGS="--gc-freeze"` (not the app's configuration).

After a worker has loaded the app, import every view (Django loads the URLconf on the first
request otherwise), collect once, and `gc.freeze()` what is there: the cyclic garbage collector
then no longer scans Django's, ninja's and pydantic's long-lived objects in each full collection,
which 1,000-reading batches otherwise trigger every few requests (the p95 tail of those batches).
"""

import gc


def post_worker_init(worker):
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now
    gc.collect()
    gc.freeze()
