"""The bell and /notifications/: each person sees, opens and marks read only their own."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.selectors.notifications import unread_count
from accounts.services.notifications import notify, notify_gathered
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


def note(user, title="Model quality below threshold", url="/projects/churn/monitoring/", **kw):
    return notify(users=[user], kind=kw.pop("kind", "alert"), title=title, url=url, **kw)[0]


def test_the_bell_shows_the_unread_count_on_every_page(client, owner):
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert 'id="bell"' in html and "Notifications: none unread" in html
    note(owner)
    note(owner, title="Another")
    html = client.get("/").content.decode()
    assert 'class="bell-count" aria-hidden="true">2<' in html
    assert "Notifications: 2 unread" in html


def test_the_bell_says_99_plus_beyond_99(client, owner):
    for i in range(120):
        notify(users=[owner], kind="other", title=f"n{i}")
    client.force_login(owner)
    assert ">99+<" in client.get("/").content.decode()


def test_the_bell_refreshes_on_its_own_and_says_nothing_to_strangers(client, owner):
    note(owner)
    assert client.get(reverse("notifications:bell")).status_code == 302  # to the login page
    client.force_login(owner)
    response = client.get(reverse("notifications:bell"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<a id="bell"') and "Notifications: 1 unread" in html


def test_the_list_shows_only_my_notifications_newest_first(client, owner, editor):
    now = timezone.now()
    note(owner, title="Older", at=now - datetime.timedelta(hours=2))
    note(owner, title="Newer", at=now)
    note(editor, title="Eddie's own")
    client.force_login(owner)
    html = client.get(LIST).content.decode()
    assert html.index("Newer") < html.index("Older")
    assert "Eddie&#x27;s own" not in html and "Eddie's own" not in html


def test_someone_elses_notification_is_not_found(client, owner, editor):
    theirs = note(editor)
    client.force_login(owner)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    assert unread_count(editor) == 1


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, owner):
    first = note(owner)
    client.force_login(owner)
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/churn/monitoring/"
    first.refresh_from_db()
    assert first.read_at is not None


def test_a_notification_never_sends_anyone_off_the_site(client, owner):
    for url in ("https://evil.example/", "//evil.example/x", ""):
        bad = notify(users=[owner], kind="other", title="x", url=url)[0]
        client.force_login(owner)
        response = client.get(reverse("notifications:open", args=[bad.pk]))
        assert response["Location"] == LIST


def test_mark_one_read_and_mark_all_read(client, owner):
    first, second, third = (note(owner, title=t) for t in ("a", "b", "c"))
    client.force_login(owner)
    response = client.post(reverse("notifications:read", args=[first.pk]), {"next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST
    assert unread_count(owner) == 2
    # Only a page of the list is a place to come back to.
    response = client.post(
        reverse("notifications:read", args=[second.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == LIST
    response = client.post(reverse("notifications:read_all"), {"next": f"{LIST}?show=unread"})
    assert response["Location"] == f"{LIST}?show=unread"
    assert unread_count(owner) == 0
    assert client.get(LIST).status_code == 200


def test_marking_read_is_a_post(client, owner):
    first = note(owner)
    client.force_login(owner)
    assert client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert unread_count(owner) == 1


def test_htmx_marks_read_in_place_and_updates_the_bell(client, owner):
    first = note(owner)
    note(owner, title="Still unread")
    client.force_login(owner)
    response = client.post(
        reverse("notifications:read", args=[first.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="notifications",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="notifications"')
    assert 'hx-swap-oob="true"' in html and "Notifications: 1 unread" in html
    assert "<html" not in html


def test_the_unread_filter_and_useful_empty_states(client, owner):
    client.force_login(owner)
    assert "No notifications yet." in client.get(LIST).content.decode()
    first = note(owner, title="Read one")
    note(owner, title="Unread one")
    client.post(reverse("notifications:read", args=[first.pk]))
    html = client.get(LIST + "?show=unread").content.decode()
    assert "Unread one" in html and "Read one" not in html
    client.post(reverse("notifications:read_all"))
    assert "All caught up." in client.get(LIST + "?show=unread").content.decode()


def test_long_lists_are_paged(client, owner):
    now = timezone.now()
    for i in range(30):
        notify(
            users=[owner],
            kind="other",
            title=f"item {i:02d}",
            at=now + datetime.timedelta(seconds=i),
        )
    client.force_login(owner)
    first = client.get(LIST).content.decode()
    assert "item 29" in first and "item 04" not in first and "Page 1 of 2" in first
    second = client.get(LIST + "?page=2").content.decode()
    assert "item 04" in second and "item 29" not in second
    assert client.get(LIST + "?page=x").status_code == 200  # a bad page number is page 1


def test_the_list_costs_the_same_queries_for_5_or_25_notifications(client, owner, project):
    client.force_login(owner)
    for i in range(5):
        notify(users=[owner], kind="alert", title=f"a{i}", project=project)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(20):
        notify(users=[owner], kind="alert", title=f"b{i}", project=project)
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)


def test_gathered_notifications_bump_while_unread(owner, editor):
    url = "/projects/churn/demos/1/#feedback"
    made = notify_gathered(users=[owner, editor], kind="feedback", title="New feedback", url=url)
    assert len(made) == 2
    again = notify_gathered(users=[owner], kind="feedback", title="New feedback", url=url, body="b")
    assert again == []
    bumped = Notification.objects.get(user=owner)
    assert bumped.count == 2 and bumped.body == "b"
    assert Notification.objects.get(user=editor).count == 1
    bumped.read_at = timezone.now()
    bumped.save()
    assert len(notify_gathered(users=[owner], kind="feedback", title="New", url=url)) == 1
    assert Notification.objects.filter(user=owner).count() == 2


def test_new_notifications_can_be_emailed_once_committed(owner, django_capture_on_commit_callbacks):
    from accounts.services.notifications import notifications_email

    owner.email = "olivia@example.com"
    owner.save()
    outsider_without_email = make_user("nomail", email="")
    with django_capture_on_commit_callbacks(execute=True):
        made = notify(
            users=[owner, outsider_without_email],
            kind="reminder",
            title="Log your week",
            url="/projects/churn/log/",
            body="No entry for 2026-W49 yet.",
        )
        notifications_email(made)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email] and message.subject == "Waypoint: Log your week"
    assert "No entry for 2026-W49 yet." in message.body
    mine = next(n for n in made if n.user_id == owner.pk)
    assert f"/notifications/{mine.pk}/" in message.body
