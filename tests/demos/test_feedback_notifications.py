"""New stakeholder feedback reaches the project's editors: in-app (gathered per demo while
unread) and by email when that notification is new."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from demos.services import feedback_record, share_link_create
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(owner, editor, viewer):
    for person, address in ((owner, "olivia@example.com"), (editor, "eddie@example.com")):
        person.email = address
        person.save()
    viewer.email = "vera@example.com"
    viewer.save()
    return owner, editor, viewer


@pytest.fixture
def dataset(demo):
    return make_dataset(demo, [0.9, 0.6, 0.2, 0.8])


@pytest.fixture
def link(demo, owner):
    return share_link_create(demo=demo, viewer_name="Head of support", by=owner)


def judge(client, link, example, verdict, comment=""):
    url = reverse("demos:shared_feedback", args=[link.token, example.pk])
    return client.post(url, {"verdict": verdict, "comment": comment})


def test_feedback_through_a_link_tells_the_editors_once(
    client, people, demo, dataset, link, outsider, django_capture_on_commit_callbacks
):
    owner, editor, viewer = people
    first, second = dataset.examples.order_by("row")[:2]
    with django_capture_on_commit_callbacks(execute=True):
        assert judge(client, link, first, "disagree", "Not urgent at all").status_code == 302
    told = Notification.objects.filter(kind="feedback")
    assert sorted(n.user.username for n in told) == ["eddie", "olivia"]
    note = told.get(user=owner)
    assert note.title == "New stakeholder feedback on “Which tickets are urgent?”"
    assert note.body == "Head of support: disagree — “Not urgent at all”"
    assert note.url == reverse("demos:demo_detail", args=[demo.project.slug, demo.pk]) + "#feedback"
    assert note.project == demo.project
    assert sorted(m.to[0] for m in mail.outbox) == ["eddie@example.com", "olivia@example.com"]
    assert "Not urgent at all" in mail.outbox[0].body

    # More feedback while unread gathers into the same notification, without more email.
    with django_capture_on_commit_callbacks(execute=True):
        judge(client, link, second, "agree")
    note.refresh_from_db()
    assert note.count == 2 and note.body == "Head of support: agree"
    assert Notification.objects.filter(kind="feedback").count() == 2
    assert len(mail.outbox) == 2


def test_after_reading_it_the_next_feedback_is_news_again(
    client, people, demo, dataset, link, django_capture_on_commit_callbacks
):
    owner, _, _ = people
    first, second = dataset.examples.order_by("row")[:2]
    judge(client, link, first, "agree")
    client.force_login(owner)
    note = Notification.objects.get(user=owner)
    client.get(reverse("notifications:open", args=[note.pk]))
    client.logout()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        judge(client, link, second, "unsure")
    assert Notification.objects.filter(user=owner).count() == 2
    assert [m.to for m in mail.outbox if m.to == ["olivia@example.com"]]


def test_changing_a_verdict_is_not_news(client, people, dataset, link):
    first = dataset.examples.order_by("row").first()
    judge(client, link, first, "agree")
    judge(client, link, first, "disagree", "On second thought")
    assert Notification.objects.filter(user=people[0]).get().count == 1


def test_an_editor_judging_is_not_told_of_their_own_feedback(people, dataset):
    owner, editor, _ = people
    feedback_record(example=dataset.examples.first(), verdict="agree", user=editor)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["olivia"]


def test_seeded_feedback_tells_nobody(people, dataset, link):
    feedback_record(example=dataset.examples.first(), verdict="agree", link=link, tell=False)
    assert not Notification.objects.exists() and not mail.outbox


def test_an_inactive_or_outside_person_is_not_told(people, dataset, link, outsider):
    owner, editor, _ = people
    editor.is_active = False
    editor.save()
    feedback_record(example=dataset.examples.first(), verdict="agree", link=link)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["olivia"]
