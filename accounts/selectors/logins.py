"""Reads of failed-login records (django-axes' AccessAttempt): which lock stopped a login."""

import datetime
from typing import Literal

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def failures_of_account(username: str, *, at: datetime.datetime | None = None) -> int:
    """Failed logins to `username`, from any address, that still count (within the cool-off)."""
    since = (at or timezone.now()) - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    total: int | None = recent.aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def login_lock_kind(username: str | None) -> Literal["account", "address"]:
    """Which of the two locks (AXES_LOCKOUT_PARAMETERS) holds a refused login: the account's
    when it has reached the failure limit itself, else the address's."""
    if username and failures_of_account(username) >= settings.AXES_FAILURE_LIMIT:
        return "account"
    return "address"
