"""Saving or deleting a row as a revision: who made it and when (django-simple-history reads both
from the instance). Used by every app whose models keep a history."""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model


def save_revision(
    instance: Model, *, by: AbstractBaseUser | None, at: datetime.datetime | None = None
) -> None:
    """Save `instance`, with `by` as the author of the revision it records.

    `at` dates the write (default: now), for data written after the fact such as the demo
    portfolio: the revision and the row's `updated_at`, which Django's `auto_now` would stamp
    with the real time, both read `at`. That costs one more UPDATE, so only a dated save pays it.
    """
    # django-simple-history reads these two attributes; django-stubs cannot know them.
    instance._history_user = by  # type: ignore[attr-defined]
    if at is None:
        instance.save()
        return
    instance._history_date = at  # type: ignore[attr-defined]
    try:
        instance.save()
    finally:
        del instance._history_date  # type: ignore[attr-defined]  # a later save of the same object is not dated by this one
    if hasattr(instance, "updated_at"):
        type(instance)._base_manager.filter(pk=instance.pk).update(updated_at=at)
        instance.updated_at = at


def delete_revision(
    instance: Model, *, by: AbstractBaseUser | None, at: datetime.datetime | None = None
) -> None:
    """Delete `instance`, with `by` as the author of the deletion its history records, dated
    `at` (default: now)."""
    instance._history_user = by  # type: ignore[attr-defined]
    if at is not None:
        instance._history_date = at  # type: ignore[attr-defined]
    instance.delete()
