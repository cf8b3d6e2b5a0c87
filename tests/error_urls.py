"""The app's URLconf plus views that fail on purpose, for tests/test_error_pages.py."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from config import urls as app_urls


def explode(request):
    raise RuntimeError("database password=hunter2 in Traceback")


def suspicious(request):
    raise SuspiciousOperation("a tampered request")


urlpatterns = [
    path("tests/explode/", explode),
    path("tests/suspicious/", suspicious),
    *app_urls.urlpatterns,
]
handler403 = app_urls.handler403
handler404 = app_urls.handler404
