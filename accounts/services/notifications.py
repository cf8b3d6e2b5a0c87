"""Writes for in-app notifications (the header bell and /notifications/).

Call `notify` from any app to put a notification in front of people:

    notify(*, users, kind, title, url="", body="", project=None, key="", at=None)
        -> list[Notification]

- `users`: an iterable of users (duplicates are told once).
- `kind`: a `NotificationKind` value (alert, reminder, feedback, digest, other).
- `title`: one line a person understands; `body`: short, optional; `url`: the in-app path the
  notification opens; `project`: the project (or its id) it is about; deleting the project
  removes the notification.
- `key`: blank, or a string making the notification "exactly once" per user (for example
  `reminder:log:<project_id>:<iso week>` or `alert:<alert id>`): a second call with the same key
  creates nothing for users who already have it.
- `at`: the creation time (defaults to now).

It writes in one bulk insert (conflicts on the key are ignored) and returns only the
notifications it created, so callers can send an email exactly when a notification is new.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Notification, User


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    project=None,
    key: str = "",
    at: datetime | None = None,
) -> list[Notification]:
    at = at or timezone.now()
    people = {u.pk: u for u in users if u is not None and u.pk is not None}
    if not people:
        return []
    project_id = getattr(project, "pk", project)
    title = title[:200]
    body = body[:500]

    def rows(pks):
        return [
            Notification(
                user_id=pk,
                kind=kind,
                title=title,
                body=body,
                url=url,
                project_id=project_id,
                key=key,
                created_at=at,
            )
            for pk in pks
        ]

    if not key:
        return Notification.objects.bulk_create(rows(people))
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(user_id__in=people, key=key).values_list(
                "user_id", flat=True
            )
        )
        wanted = [pk for pk in people if pk not in existing]
        if not wanted:
            return []
        Notification.objects.bulk_create(rows(wanted), ignore_conflicts=True)
        # ignore_conflicts leaves pks unset; read back the rows this call wrote.
        return list(
            Notification.objects.filter(user_id__in=wanted, key=key, created_at=at).select_related(
                "user"
            )
        )


def notification_mark_read(*, user: User, notification: Notification, at: datetime | None = None):
    """Mark one of `user`'s notifications read (a no-op when already read or not theirs)."""
    if notification.user_id != user.pk or notification.read_at is not None:
        return notification
    notification.read_at = at or timezone.now()
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=notification.read_at
    )
    return notification


def notifications_mark_all_read(*, user: User, at: datetime | None = None) -> int:
    """Mark every unread notification of `user` read; returns how many changed."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=at or timezone.now()
    )
