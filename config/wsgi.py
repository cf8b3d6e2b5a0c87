import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Import every view now, then move everything loaded so far out of the garbage collector's
# reach: otherwise a full collection over Django's long-lived objects lands in the middle of
# requests that allocate a lot (a 1,000-reading batch), adding ~40 ms to its p95.
_ = get_resolver().url_patterns
gc.collect()
gc.freeze()
