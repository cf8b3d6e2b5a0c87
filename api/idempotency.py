"""`Idempotency-Key`: a retried write returns the first response instead of writing again.

The key is scoped to the user and the endpoint (method and path). Within 24 hours:
- the same key with the same body returns the stored status and body, and does nothing;
- the same key with another body is refused (422): a key names one request;
- a concurrent duplicate waits for the first on the unique constraint, then replays it.
Only successful responses are stored: a request that failed did nothing, so retrying it with the
same key runs it again.
"""

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja.errors import HttpError
from pydantic import BaseModel

from .models import IdempotencyRecord
from .requests import AuthedRequest
from .services import IDEMPOTENCY_WINDOW

MAX_KEY_LENGTH = 255
# Visible ASCII, spaces only inside; the OpenAPI schema of the header says the same (KEY_SCHEMA).
KEY_PATTERN = re.compile(rf"[!-~]([ -~]{{0,{MAX_KEY_LENGTH - 2}}}[!-~])?")
KEY_SCHEMA = {"pattern": f"^{KEY_PATTERN.pattern}$", "maxLength": MAX_KEY_LENGTH}


def run_idempotently(
    request: AuthedRequest,
    *,
    key: str | None,
    payload: BaseModel | None,
    work: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """Run `work` (→ status, JSON body) once per key; returns (status, body, replayed).
    `payload` is what a replay must match (None only without a key)."""
    if key is None or payload is None:
        return (*work(), False)
    if not KEY_PATTERN.fullmatch(key):
        raise HttpError(
            400,
            f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII characters, e.g. a UUID.",
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
