"""In-app notifications: exactly-once keys, marking read, the unread count and the list order."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import Notification
from accounts.selectors.notifications import notifications_for, unread_count
from accounts.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def test_notify_creates_one_per_person_and_a_key_makes_it_exactly_once(owner, editor, project):
    made = notify(
        users=[owner, editor, owner],
        kind="reminder",
        title="Log this week's experiments",
        url=f"/projects/{project.slug}/log/",
        project=project,
        key="reminder:log:1:2026-W49",
        at=NOW,
    )
    assert sorted(n.user.username for n in made) == ["eddie", "olivia"]
    again = notify(
        users=[owner, editor], kind="reminder", title="Again", key="reminder:log:1:2026-W49"
    )
    assert again == []
    assert Notification.objects.count() == 2
    assert Notification.objects.filter(title="Again").count() == 0


def test_without_a_key_each_call_notifies_again(owner):
    notify(users=[owner], kind="other", title="One")
    notify(users=[owner], kind="other", title="Two")
    assert unread_count(owner) == 2


def test_the_database_refuses_a_duplicate_key_for_one_person(owner):
    notify(users=[owner], kind="alert", title="A", key="alert:1")
    with pytest.raises(IntegrityError):
        Notification.objects.create(
            user=owner, kind="alert", title="B", key="alert:1", created_at=NOW
        )


def test_deleting_the_project_deletes_its_notifications(owner, project):
    notify(users=[owner], kind="other", title="About it", project=project)
    project.delete()
    assert Notification.objects.count() == 0


def test_mark_one_and_all_read(owner, editor):
    first, second = (
        notify(users=[owner], kind="other", title=t, key=t, at=NOW)[0] for t in ("a", "b")
    )
    notify(users=[editor], kind="other", title="theirs")
    notification_mark_read(user=owner, notification=first)
    assert unread_count(owner) == 1
    # Someone else's notification is left alone.
    theirs = Notification.objects.get(user=editor)
    notification_mark_read(user=owner, notification=theirs)
    assert unread_count(editor) == 1
    assert notifications_mark_all_read(user=owner) == 1
    assert unread_count(owner) == 0
    assert unread_count(editor) == 1


def test_the_list_is_newest_first_and_paginated(owner, editor):
    for i in range(30):
        notify(users=[owner], kind="other", title=f"n{i}", at=NOW + datetime.timedelta(minutes=i))
    notify(users=[editor], kind="other", title="not mine")
    page = notifications_for(owner)
    assert [n.title for n in page][:3] == ["n29", "n28", "n27"]
    assert len(page) == 25
    assert [n.title for n in notifications_for(owner, page=2)] == [
        f"n{i}" for i in range(4, -1, -1)
    ]
