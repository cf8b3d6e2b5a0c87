"""The app's URLconf plus views that fail on purpose, for tests/test_error_pages.py."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from config import urls as app_urls
from config.errors import csrf_failure


def explode(request):
    raise RuntimeError("database password=hunter2 in Traceback")


def suspicious(request):
    raise SuspiciousOperation("a tampered request")


def refused_form(request):
    # The page CSRF_FAILURE_VIEW answers a refused POST with, at an address a browser can open.
    return csrf_failure(request, reason="CSRF token missing.")


urlpatterns = [
    path("tests/explode/", explode),
    path("tests/refused-form/", refused_form),
    path("tests/suspicious/", suspicious),
    *app_urls.urlpatterns,
]
handler403 = app_urls.handler403
handler404 = app_urls.handler404
