"""Writes of the api app: personal tokens and the upkeep of idempotency records."""

import datetime
import secrets

from django.utils import timezone

from .models import ApiToken, IdempotencyRecord, token_hash

IDEMPOTENCY_WINDOW = datetime.timedelta(hours=24)


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the secret, which is not stored anywhere."""
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API token",
        prefix=secret[: len(ApiToken.PREFIX) + 7],
        token_hash=token_hash(secret),
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop the token from working; the row stays so its owner sees what was revoked, and when."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_record_use(*, token_id: int, at: datetime.datetime) -> None:
    """Note that token `token_id` was used at `at` (the API does so at most once a minute)."""
    ApiToken.objects.filter(pk=token_id).update(last_used_at=at)


def idempotency_records_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete records past the 24-hour window (they are ignored already). Not scheduled yet."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_WINDOW
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
