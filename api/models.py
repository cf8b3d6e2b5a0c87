"""Personal API tokens, and the stored first responses that make retries with an
Idempotency-Key safe."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


def token_hash(secret: str) -> str:
    """What is stored of a token: its SHA-256. The secret itself is shown once and never kept.

    A plain hash is enough (no salt, no slow hasher): the secret is 32 random bytes, not a
    password someone chose, and a fast hash lets every request find its token by one lookup.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal token for scripts: it acts as its user, with exactly the user's access."""

    PREFIX = "wp_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “training laptop”.")
    # The first characters of the token, shown so people can tell their tokens apart.
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotencyRecord(models.Model):
    """The first successful response to a request sent with an `Idempotency-Key` header.

    A retry with the same key, from the same user, to the same endpoint gets this response back
    instead of doing the work again. The row is written in the same transaction as the work, so
    it exists exactly when the work was done; the unique constraint makes a concurrent duplicate
    wait for the first and then replay it. Records count for 24 hours (see api.idempotency).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=300, help_text="Method and path, e.g. POST /api/v1/…")
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the validated body.")
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "endpoint", "key"], name="one_response_per_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} [{self.key}]"
