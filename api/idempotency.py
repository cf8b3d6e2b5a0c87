"""`Idempotency-Key`: a retried write returns the first response instead of writing again.

The key is scoped to the user and the endpoint (method and path). Within 24 hours:
- the same key with the same body returns the stored status and body, and does nothing;
- the same key with another body is refused (422): a key names one request;
- a concurrent duplicate waits for the first on the unique constraint, then replays it.
Only successful responses are stored: a request that failed did nothing, so retrying it with the
same key runs it again.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.errors import HttpError

from .models import IdempotencyRecord
from .services import IDEMPOTENCY_WINDOW

MAX_KEY_LENGTH = 255


def run_idempotently(
    request: HttpRequest,
    *,
    key: str | None,
    payload: Schema,
    work: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """Run `work` (→ status, JSON body) once per key; returns (status, body, replayed)."""
    if key is None:
        return (*work(), False)
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise HttpError(
            400, f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable characters, e.g. a UUID."
        )
    user = request.auth
    endpoint = f"{request.method} {request.path}"[:300]
    fingerprint = hashlib.sha256(payload.model_dump_json().encode()).hexdigest()
    scope = {"user": user, "endpoint": endpoint, "key": key}
    with transaction.atomic():
        cutoff = timezone.now() - IDEMPOTENCY_WINDOW
        IdempotencyRecord.objects.filter(**scope, created_at__lt=cutoff).delete()
        try:
            # Claim the key first. A concurrent request with the same key blocks here until
            # this transaction ends, then fails and replays what this one stored.
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(**scope, request_hash=fingerprint)
        except IntegrityError:
            stored = IdempotencyRecord.objects.get(**scope)
            if stored.request_hash != fingerprint:
                raise HttpError(
                    422,
                    "This Idempotency-Key was already used for a different request to this "
                    "endpoint in the last 24 hours. Use a new key for a new request.",
                ) from None
            return stored.status_code, stored.response, True
        status, body = work()
        IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=status, response=body)
        return status, body, False
