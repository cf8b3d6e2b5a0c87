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

`notify_gathered` is for events that come in bursts (stakeholder feedback on a demo): while a
person's notification about the same page is unread, a new event bumps it (its count, newest
text and time) instead of adding another line. `notifications_email` emails new notifications
from a worker after the transaction commits; a broker that cannot take the job loses only the
email, never the notification or the write that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from accounts.models import Notification, User
from accounts.tasks import email_notifications

log = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    project: Model | int | None = None,
    key: str = "",
    at: datetime | None = None,
) -> list[Notification]:
    at = at or timezone.now()
    people = {u.pk for u in users if u is not None and u.pk is not None}
    project_id = project.pk if isinstance(project, Model) else project
    return notify_each(
        [
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
            for pk in people
        ]
    )


def notify_each(rows: list[Notification]) -> list[Notification]:
    """Many notifications, each its own person, text and key, in a fixed number of queries (a
    whole portfolio's reminders at once). Keyed rows follow `notify`'s "exactly once"; returns
    the notifications created, with their users."""
    for row in rows:
        row.title, row.body = row.title[:200], row.body[:500]
    made = Notification.objects.bulk_create([row for row in rows if not row.key], batch_size=500)
    keyed = {(row.user_id, row.key): row for row in rows if row.key}
    if not keyed:
        return made
    people = {user_id for user_id, _ in keyed}
    keys = {key for _, key in keyed}
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(user_id__in=people, key__in=keys).values_list(
                "user_id", "key"
            )
        )
        wanted = {pair: row for pair, row in keyed.items() if pair not in existing}
        if not wanted:
            return made
        Notification.objects.bulk_create(wanted.values(), batch_size=500, ignore_conflicts=True)
        # ignore_conflicts leaves pks unset; read back the rows this call wrote (a concurrent
        # call at the very same `created_at` could be mistaken for this one).
        written = Notification.objects.filter(
            user_id__in={user_id for user_id, _ in wanted},
            key__in={key for _, key in wanted},
            created_at__in={row.created_at for row in wanted.values()},
        ).select_related("user")
        return made + [n for n in written if (n.user_id, n.key) in wanted]


def notify_gathered(
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    url: str,
    body: str = "",
    project: Model | int | None = None,
    at: datetime | None = None,
) -> list[Notification]:
    """One unread notification per person and `url`: bump it, or start one. Returns the new ones."""
    at = at or timezone.now()
    people = {u.pk for u in users if u is not None and u.pk is not None}
    if not people:
        return []
    with transaction.atomic():
        unread = Notification.objects.filter(
            user_id__in=people, kind=kind, url=url, read_at__isnull=True
        )
        bumped = set(unread.values_list("user_id", flat=True))
        if bumped:
            unread.update(count=F("count") + 1, title=title[:200], body=body[:500], created_at=at)
        fresh = [
            Notification(
                user_id=pk,
                kind=kind,
                title=title[:200],
                body=body[:500],
                url=url,
                project_id=project.pk if isinstance(project, Model) else project,
                created_at=at,
            )
            for pk in people - bumped
        ]
        return Notification.objects.bulk_create(fresh)


def notifications_email(notifications: list[Notification]) -> None:
    """Email these (new) notifications to their people once the transaction commits."""
    ids = [n.pk for n in notifications if n.pk is not None]
    if ids:
        transaction.on_commit(lambda: _queue_email(ids), robust=True)


def _queue_email(ids: list[int]) -> None:
    try:
        email_notifications.delay(ids)
    except Exception:  # the broker is down: the in-app notification stays, the email is lost
        log.warning("Could not queue the email for notifications %s", ids, exc_info=True)


def notification_mark_read(
    *, user: User, notification: Notification, at: datetime | None = None
) -> Notification:
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
