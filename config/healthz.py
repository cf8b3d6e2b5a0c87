"""/healthz: can this web process reach its database and its broker? For container probes and
uptime checks, every few seconds.

200 when both answer, 503 otherwise; JSON such as
    {"status": "ok", "database": {"ok": true, "ms": 0.8}, "broker": {"ok": true, "ms": 0.3}}
No login; it names no host, URL, user or version. Each check is bounded by a short timeout
(BROKER_PING_TIMEOUT for Redis; the database driver's own for the database, whose connection is
the one requests reuse). It is exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) so a probe
inside the container can use plain HTTP; it must still send a Host from ALLOWED_HOSTS.
"""

import time

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .jobs import broker_ping


def database_ping() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": f"not reachable ({type(error).__name__})"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


@require_safe
@never_cache
def healthz(request):
    checks = {"database": database_ping(), "broker": broker_ping()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
