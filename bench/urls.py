"""The app's URLs plus two bench-only probes (used only under `bench.settings`)."""

import os

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def health(request):
    return HttpResponse("OK", content_type="text/plain")


def sqlite(request):
    """The pragmas this worker's database connection runs with (what a request really gets)."""
    values = {}
    with connection.cursor() as cursor:
        for pragma in ("journal_mode", "synchronous", "busy_timeout"):
            cursor.execute(f"PRAGMA {pragma}")
            values[pragma] = cursor.fetchone()[0]
    return JsonResponse(
        {
            **values,
            "transaction_mode": getattr(connection, "transaction_mode", None),
            "debug": settings.DEBUG,
            "pid": os.getpid(),
        }
    )


urlpatterns = [
    path("_bench/health", health),
    path("_bench/sqlite", sqlite),
    *app_urlpatterns,
]
