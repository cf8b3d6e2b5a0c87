"""Weekly digests: what each one says about a seeded week, who may preview which, sending once."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from demos.models import Example
from demos.services import demo_create, feedback_record, share_link_create
from lifecycle import services
from lifecycle.models import (
    DeliveryStatus,
    DigestDelivery,
    DigestOptOut,
    DigestSubscriber,
    HealthSnapshot,
    Reading,
)
from lifecycle.selectors.digests import digest_week, digests_for_week, likelihood_words
from lifecycle.services.digests import digest_render, digests_send, unsubscribe_token
from lifecycle.services.experiment_log import timebox_for_week, timebox_set_likelihood
from tests.factories import (
    PASSWORD,
    add_criterion,
    make_dataset,
    make_project,
    make_team,
    make_user,
)

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 23)  # 2026-W48
PREVIOUS = WEEK - datetime.timedelta(days=7)
SEND_AT = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)  # Monday after W48


def log_week(project, by, week, likelihood, reason=""):
    timebox = timebox_for_week(project=project, week_start=week, by=by)
    return timebox_set_likelihood(timebox=timebox, likelihood=likelihood, reason=reason, by=by)


@pytest.fixture
def week_seeded(project, owner, manager, team):
    """Churn: logged both weeks, likelihood 80 -> 60, moved to data collection in W48.
    Pricing: logged the week before only (no log in W48)."""
    owner.email, manager.email = "olivia@example.com", "maya@example.com"
    owner.save()
    manager.save()
    pricing = make_project(team, owner, name="Pricing")
    with time_machine.travel(datetime.datetime(2026, 11, 18, 10, tzinfo=datetime.UTC)):
        log_week(project, owner, PREVIOUS, 80)
        log_week(pricing, owner, PREVIOUS, 50)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC)):
        log_week(project, owner, WEEK, 60, reason="Labels are noisier than hoped")
        services.project_move_to_stage(
            project=project, to_stage="data_collection", by=owner, reason="Data agreed"
        )
    return project, pricing


def by_kind(digests, kind):
    return [d for d in digests if d.kind == kind]


def test_the_digest_covers_the_last_complete_iso_week():
    assert digest_week(SEND_AT) == WEEK
    assert digest_week(SEND_AT - datetime.timedelta(days=1)) == PREVIOUS


def test_manager_digest_reports_moves_drops_and_missing_logs(week_seeded):
    digests = digests_for_week(week=WEEK)
    (digest,) = by_kind(digests, "manager")
    assert digest.email == "maya@example.com"
    subject, text, html = digest_render(digest)
    assert "2026-W48" in subject
    assert "Churn prediction: Moved stage to Data collection" in text
    assert "Data agreed" in text
    assert "Churn prediction: 80 % -> 60 %" in text
    no_log = text.split("No log this week:")[1]
    assert "- Pricing" in no_log and "Churn" not in no_log
    assert "First digest: no earlier health to compare." in text
    assert "Churn prediction" in html and "Data agreed" in html


def test_second_digest_reports_health_changes_from_the_snapshot(week_seeded):
    project, pricing = week_seeded
    with time_machine.travel(SEND_AT):
        digests_send(at=SEND_AT)
    assert set(HealthSnapshot.objects.values_list("week_start", flat=True)) == {WEEK}
    HealthSnapshot.objects.filter(project=project).update(level="on_track")
    (digest,) = by_kind(digests_for_week(week=WEEK + datetime.timedelta(days=7)), "manager")
    _, text, _ = digest_render(digest)
    assert "First digest" not in text
    changes = text.split("Health changes:")[1].split("Likelihood drops")[0]
    assert "- Churn prediction: On track -> " in changes  # its 20-point drop
    assert "Pricing" not in changes  # its health did not change
    assert "Open alerts:\nNo open alerts." in text


def test_member_digest_lists_their_projects_gaps(week_seeded, outsider):
    outsider.email = "otto@example.com"
    outsider.save()
    make_project(make_team("Other", members={outsider: "owner"}), outsider, name="Fraud")
    digests = {d.email: d for d in by_kind(digests_for_week(week=WEEK), "member")}
    _, text, _ = digest_render(digests["olivia@example.com"])
    assert "- Pricing: No weekly log this week" in text
    assert "Fraud" not in text
    assert "Churn prediction: No weekly log" not in text
    assert "Pricing" not in digest_render(digests["otto@example.com"])[1]


def without_links(body):
    """The text a reader sees: link targets (signed tokens are random characters) left out."""
    return re.sub(r'https?://\S+|href="[^"]*"', "", body)


@pytest.fixture
def stakeholder_week(week_seeded, owner):
    """Churn also has two business goals read during W48 and a demo shared in W48."""
    project, _ = week_seeded
    DigestSubscriber.objects.create(project=project, name="Sam", email="sam@client.example")
    tickets = add_criterion(project, owner, name="Tickets routed", unit="tickets", target=500)
    handling = add_criterion(
        project, owner, name="Handling time", unit="minutes", target=4, direction="lower"
    )
    in_week = datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC)
    for criterion, value in ((tickets, 420), (handling, 3.5)):
        Reading.objects.create(criterion=criterion, project=project, value=value, at=in_week)
    # A reading after the week's end is not this week's news.
    Reading.objects.create(criterion=tickets, project=project, value=900, at=SEND_AT)
    with time_machine.travel(in_week):
        demo = demo_create(project=project, title="Routing demo", by=owner)
        dataset = make_dataset(demo, [0.91, 0.42, 0.13])
        link = share_link_create(demo=demo, viewer_name="Sam", by=owner)
        examples = list(Example.objects.filter(dataset=dataset).order_by("row"))
        feedback_record(example=examples[0], verdict="agree", link=link)
        feedback_record(example=examples[1], verdict="agree", link=link)
        feedback_record(example=examples[2], verdict="disagree", link=link)
    return project, link


def test_stakeholder_digest_says_the_week_in_words_without_numbers(stakeholder_week):
    project, link = stakeholder_week
    (digest,) = by_kind(digests_for_week(week=WEEK), "stakeholder")
    subject, text, html = digest_render(digest)
    assert "The team now thinks success is likely." in text
    assert "Labels are noisier than hoped" in text
    assert "Tickets routed: 420 tickets against a target of 500 tickets: not yet" in text
    assert "Handling time: 3.5 minutes against a target of 4 minutes: reached" in text
    assert link.get_absolute_url() in text and link.get_absolute_url() in html
    for body in (text, html):
        seen = without_links(body)
        assert "60" not in seen and "%" not in seen
        assert not re.search(r"0\.\d\d", seen)


def test_stakeholder_digest_without_a_usable_link_says_so(stakeholder_week):
    _, link = stakeholder_week
    link.revoked_at = SEND_AT
    link.save()
    (digest,) = by_kind(digests_for_week(week=WEEK), "stakeholder")
    assert "No demo link to share this week." in digest_render(digest)[1]


def test_member_digest_counts_the_weeks_feedback_by_demo(stakeholder_week):
    digests = {d.email: d for d in by_kind(digests_for_week(week=WEEK), "member")}
    _, text, html = digest_render(digests["olivia@example.com"])
    assert "- Churn prediction, Routing demo: 2 agree, 1 disagree" in text
    assert "Routing demo: 2 agree, 1 disagree" in html
    # The week after has no new feedback.
    later = by_kind(digests_for_week(week=WEEK + datetime.timedelta(days=7)), "member")
    assert "Routing demo" not in digest_render(later[0])[1]


@pytest.mark.parametrize(
    "percent,words", [(90, "very likely"), (65, "likely"), (50, "about even"), (25, "unlikely")]
)
def test_likelihood_words(percent, words):
    assert likelihood_words(percent) == words


def test_building_takes_the_same_queries_for_more_projects(
    stakeholder_week, team, owner, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16) as few:
        digests_for_week(week=WEEK)
    for n in range(6):
        project = make_project(team, owner, name=f"More {n}")
        log_week(project, owner, WEEK, 40)
        DigestSubscriber.objects.create(project=project, email=f"s{n}@client.example")
        make_team(f"T{n}", members={make_user(f"u{n}", email=f"u{n}@example.com"): "viewer"})
        add_criterion(project, owner, name=f"Goal {n}", unit="tickets")
        share_link_create(demo=demo_create(project=project, title=f"D{n}", by=owner), by=owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        digests_for_week(week=WEEK)


def test_each_digest_is_sent_once_over_two_runs(week_seeded):
    project, _ = week_seeded
    DigestSubscriber.objects.create(project=project, name="Sam", email="sam@client.example")
    assert digests_send(at=SEND_AT, dry_run=True) == 3
    assert mail.outbox == []
    assert digests_send(at=SEND_AT) == 3
    assert digests_send(at=SEND_AT) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "maya@example.com",
        "olivia@example.com",
        "sam@client.example",
    ]
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    html = mail.outbox[0].alternatives[0][0]
    assert "<html" in html


def test_a_claim_left_by_a_dead_worker_is_sent_again_later(week_seeded):
    DigestDelivery.objects.create(
        email="olivia@example.com", kind="member", week_start=WEEK, claimed_at=SEND_AT, attempts=1
    )
    assert digests_send(at=SEND_AT) == 1  # the manager's; olivia's is claimed moments ago
    assert digests_send(at=SEND_AT + datetime.timedelta(minutes=11)) == 1
    row = DigestDelivery.objects.get(email="olivia@example.com")
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)
    assert digests_send(at=SEND_AT + datetime.timedelta(minutes=30)) == 0


def test_unsubscribe_link_works_without_login_and_stops_the_digest(week_seeded, client):
    url = reverse(
        "lifecycle:digest_unsubscribe",
        args=[unsubscribe_token(email="olivia@example.com", kind="member")],
    )
    assert client.get(url).status_code == 200
    assert not DigestOptOut.objects.exists()  # a GET (mail scanners) changes nothing
    assert client.post(url).status_code == 200
    assert not by_kind(digests_for_week(week=WEEK), "member")
    assert by_kind(digests_for_week(week=WEEK), "manager")


def test_a_tampered_unsubscribe_link_says_so_and_changes_nothing(client):
    token = unsubscribe_token(email="olivia@example.com", kind="member")
    url = reverse("lifecycle:digest_unsubscribe", args=[token[:-3] + "abc"])
    response = client.post(url)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not DigestOptOut.objects.exists()


def login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_manager_preview_is_for_managers_only(client, manager, owner):
    url = reverse("lifecycle:digest_manager")
    assert client.get(url).status_code == 302
    login(client, owner)
    assert client.get(url).status_code == 403
    login(client, manager)
    response = client.get(url + "?week=2026-W48")
    assert response.status_code == 200
    assert "2026-W48" in response.content.decode()


def test_a_bad_week_gets_a_clear_400(client, manager):
    login(client, manager)
    response = client.get(reverse("lifecycle:digest_manager") + "?week=2026-W99")
    assert response.status_code == 400
    assert "That week cannot be shown" in response.content.decode()


def test_member_preview_shows_the_users_own_projects(client, week_seeded, outsider, owner):
    url = reverse("lifecycle:digest_member") + "?week=2026-W48"
    login(client, outsider)
    assert "Pricing" not in client.get(url).content.decode()
    login(client, owner)
    body = client.get(url).content.decode()
    assert "Pricing</a>: No weekly log this week" in body


def test_project_digest_preview_follows_project_roles(client, week_seeded, outsider, viewer):
    project, _ = week_seeded
    url = reverse("lifecycle:digest_project", args=[project.slug]) + "?week=2026-W48"
    login(client, outsider)
    assert client.get(url).status_code == 404
    login(client, viewer)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "success is likely" in body
    assert "%" not in without_links(body.split("<main")[1])


def test_beat_runs_the_digest_at_the_configured_weekday_and_hour():
    from config.celery import app

    entry = app.conf.beat_schedule["weekly-digests"]
    assert entry["task"] == "lifecycle.tasks.send_weekly_digests"
    assert entry["schedule"].hour == {8}
    assert entry["schedule"].day_of_week == {1}  # Monday in crontab's Sunday-first count


def test_profile_turns_each_digest_off_and_on(client, week_seeded, owner):
    login(client, owner)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'value="member" checked' in page
    assert 'value="manager"' not in page  # not a manager
    url = reverse("lifecycle:digest_preferences")
    assert client.post(url, {"kind": ["stakeholder"]}).status_code == 302
    assert not by_kind(digests_for_week(week=WEEK), "member")
    assert 'value="member" checked' not in client.get(reverse("accounts:profile")).content.decode()
    client.post(url, {"kind": ["member", "stakeholder"]})
    assert [d.email for d in by_kind(digests_for_week(week=WEEK), "member")] == [
        "olivia@example.com"
    ]
    assert not DigestOptOut.objects.filter(kind="manager").exists()


def test_a_reader_opts_in_and_out_of_the_project_update(client, week_seeded, viewer):
    project, _ = week_seeded
    viewer.email = "vera@example.com"
    viewer.save()
    login(client, viewer)
    subscribe = reverse("lifecycle:digest_subscribe", args=[project.slug])
    assert client.post(subscribe).status_code == 302
    emails = [d.email for d in by_kind(digests_for_week(week=WEEK), "stakeholder")]
    assert emails == ["vera@example.com"]
    project_page = client.get(project.get_absolute_url()).content.decode()
    digest_url = reverse("lifecycle:digest_project", args=[project.slug])
    assert f'href="{digest_url}">Weekly update' in project_page
    page = client.get(digest_url).content.decode()
    assert "Stop sending me the weekly update" in page
    client.post(reverse("lifecycle:digest_project_unsubscribe", args=[project.slug]))
    assert not DigestSubscriber.objects.exists()


def test_only_editors_add_stakeholders_by_name_and_email(client, week_seeded, viewer, editor):
    project, _ = week_seeded
    subscribe = reverse("lifecycle:digest_subscribe", args=[project.slug])
    fields = {"name": "Sam Client", "email": "sam@client.example"}
    login(client, viewer)
    assert client.post(subscribe, fields).status_code == 403
    remove = reverse("lifecycle:digest_project_unsubscribe", args=[project.slug])
    DigestSubscriber.objects.create(project=project, email="kim@client.example")
    assert client.post(remove, {"email": "kim@client.example"}).status_code == 403
    login(client, editor)
    response = client.post(subscribe, {"name": "Sam", "email": "not an email"})
    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()
    assert client.post(subscribe, fields).status_code == 302
    assert DigestSubscriber.objects.filter(name="Sam Client").count() == 1
    assert client.post(remove, {"email": "kim@client.example"}).status_code == 302
    assert list(DigestSubscriber.objects.values_list("email", flat=True)) == ["sam@client.example"]


def test_outsiders_cannot_subscribe(client, week_seeded, outsider):
    project, _ = week_seeded
    login(client, outsider)
    assert (
        client.post(reverse("lifecycle:digest_subscribe", args=[project.slug])).status_code == 404
    )
    assert not DigestSubscriber.objects.exists()


def test_send_digests_command_sends_then_skips(week_seeded, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("send_digests", "--week", "2026-W48", "--dry-run")
    assert "2 digest(s) would be sent." in capsys.readouterr().out
    call_command("send_digests", "--week", "2026-W48")
    call_command("send_digests", "--week", "2026-W48")
    assert "0 digest(s) sent." in capsys.readouterr().out
    assert len(mail.outbox) == 2
    with pytest.raises(CommandError):
        call_command("send_digests", "--week", "W48")
