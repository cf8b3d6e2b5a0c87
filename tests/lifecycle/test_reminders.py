"""Reminders: owners hear of stages past their planned end; editors of an active project with no
log entry for the week hear of it once, in-app and by email, from the configured weekday on."""

import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from accounts.services.notifications import notify
from lifecycle import services
from lifecycle.services.experiment_log import timebox_for_week
from lifecycle.services.overdue import overdue_reminders_send
from lifecycle.services.reminders import log_reminders_send
from lifecycle.tasks import send_log_reminders, send_overdue_stage_reminders
from tests.factories import make_project, make_team, make_user
from tests.lifecycle.test_monitoring import ship

pytestmark = pytest.mark.django_db


# Overdue stages ---------------------------------------------------------------------------------


def make_overdue(project, owner, kind="ideation", days_late=5):
    stage = project.stages.get(kind=kind)
    today = timezone.localdate()
    return services.document_save(
        instance=stage,
        fields={
            "planned_start": today - datetime.timedelta(days=40),
            "planned_end": today - datetime.timedelta(days=days_late),
        },
        expected_version=stage.version,
        by=owner,
    )


@pytest.fixture
def owner_with_email(owner):
    owner.email = "olivia@example.com"
    owner.save()
    return owner


def test_owner_gets_one_email_listing_overdue_stages(project, owner_with_email):
    make_overdue(project, owner_with_email, "ideation", days_late=5)
    make_overdue(project, owner_with_email, "data_collection", days_late=2)
    assert send_overdue_stage_reminders.delay().get() == 2
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["olivia@example.com"]
    assert "2 stages past the planned end" in email.subject
    assert "Churn prediction: Ideation" in email.body
    assert "5 days ago" in email.body
    assert f"{project.get_absolute_url()}#stages" in email.body


def test_each_missed_date_is_reminded_once(project, owner_with_email):
    stage = make_overdue(project, owner_with_email)
    overdue_reminders_send()
    assert overdue_reminders_send() == 0
    assert len(mail.outbox) == 1
    # A new planned end that is missed again earns a new reminder.
    services.document_save(
        instance=stage,
        fields={"planned_end": timezone.localdate() - datetime.timedelta(days=1)},
        expected_version=stage.version,
        by=owner_with_email,
    )
    assert overdue_reminders_send() == 1


def test_done_stages_and_ended_projects_are_not_reminded(project, owner_with_email):
    make_overdue(project, owner_with_email)
    services.project_stop(project=project, by=owner_with_email, stop_reason="no_data", note="")
    assert overdue_reminders_send() == 0
    assert mail.outbox == []


# Weekly log reminders ---------------------------------------------------------------------------

MONDAY = datetime.date(2026, 11, 23)  # 2026-W48; the default reminder weekday is Thursday
THURSDAY = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)
WEDNESDAY = THURSDAY - datetime.timedelta(days=1)
KEY = "reminder:log:{}:2026-W48"


@pytest.fixture
def emails(owner, editor, viewer, outsider):
    for user in (owner, editor, viewer, outsider):
        user.email = f"{user.username}@example.com"
        user.save()


def reminded(project=None):
    """(username, key) of the reminders in-app, in a stable order."""
    rows = Notification.objects.filter(kind="reminder")
    if project is not None:
        rows = rows.filter(project=project)
    return sorted(rows.values_list("user__username", "key"))


def recipients():
    return sorted(address for email in mail.outbox for address in email.to)


def test_editors_of_a_project_without_a_log_get_one_reminder_in_app_and_by_email(project, emails):
    assert log_reminders_send(at=THURSDAY) == 2

    key = KEY.format(project.pk)
    assert reminded() == [("eddie", key), ("olivia", key)]
    notification = Notification.objects.get(user__username="olivia")
    assert notification.title == "Churn prediction: no weekly log yet for 2026-W48"
    assert notification.url == "/projects/churn-prediction/log/"
    assert notification.created_at == THURSDAY
    assert recipients() == ["eddie@example.com", "olivia@example.com"]
    email = next(e for e in mail.outbox if e.to == ["eddie@example.com"])
    assert email.subject == "Waypoint: no weekly log yet for Churn prediction"
    assert "Hello Eddie Editor," in email.body
    assert "A project you edit has no entry in the experiment log for this week" in email.body
    assert f"- Churn prediction\n  {settings.BASE_URL}/projects/churn-prediction/log/" in email.body


def test_viewers_and_outsiders_are_not_reminded(project, emails, viewer, outsider):
    log_reminders_send(at=THURSDAY)
    assert {"vera", "otto"}.isdisjoint(username for username, _ in reminded())
    assert {"vera@example.com", "otto@example.com"}.isdisjoint(recipients())


def test_the_owner_named_on_the_project_is_reminded_without_a_team_role(team, owner, emails):
    olga = make_user("olga", email="olga@example.com")  # not a member of the team
    project = make_project(team, olga, name="Pricing")
    log_reminders_send(at=THURSDAY)
    assert ("olga", KEY.format(project.pk)) in reminded()
    assert "olga@example.com" in recipients()


def test_nothing_is_sent_before_the_weekday(project, emails):
    assert log_reminders_send(at=WEDNESDAY.replace(hour=23, minute=59)) == 0
    assert reminded() == []
    assert mail.outbox == []


def test_the_weekday_is_configurable(project, emails, settings):
    settings.LOG_REMINDER_WEEKDAY = 0
    assert log_reminders_send(at=THURSDAY - datetime.timedelta(days=3)) == 2
    settings.LOG_REMINDER_WEEKDAY = 4
    Notification.objects.all().delete()
    assert log_reminders_send(at=THURSDAY) == 0


def test_a_day_after_the_weekday_still_reminds_who_was_not_reminded(project, emails):
    assert log_reminders_send(at=THURSDAY + datetime.timedelta(days=3)) == 2  # Sunday


def test_the_weekday_is_the_local_one(project, emails, settings):
    settings.TIME_ZONE = "Pacific/Auckland"  # UTC+13 in November
    assert log_reminders_send(at=datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC)) == 0
    assert log_reminders_send(at=datetime.datetime(2026, 11, 25, 20, tzinfo=datetime.UTC)) == 2


def test_running_twice_sends_nothing_more(project, emails):
    assert log_reminders_send(at=THURSDAY) == 2
    assert log_reminders_send(at=THURSDAY) == 0
    assert log_reminders_send(at=THURSDAY + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 2
    assert len(reminded()) == 2


def test_next_week_without_a_log_is_reminded_again(project, emails):
    log_reminders_send(at=THURSDAY)
    assert log_reminders_send(at=THURSDAY + datetime.timedelta(days=7)) == 2
    assert ("olivia", f"reminder:log:{project.pk}:2026-W49") in reminded()
    assert len(mail.outbox) == 4


def test_a_log_entry_for_the_week_means_no_reminder(project, owner, emails):
    timebox_for_week(project=project, week_start=MONDAY, by=owner)
    assert log_reminders_send(at=THURSDAY) == 0
    assert mail.outbox == []


def test_last_weeks_log_entry_does_not_count(project, owner, emails):
    timebox_for_week(project=project, week_start=MONDAY - datetime.timedelta(days=7), by=owner)
    assert log_reminders_send(at=THURSDAY) == 2


def test_stopped_and_shipped_projects_are_not_reminded(team, owner, emails):
    stopped = make_project(team, owner, name="Stopped")
    services.project_stop(project=stopped, by=owner, stop_reason="no_data", note="")
    shipped = make_project(team, owner, name="Shipped")
    ship(shipped, owner)
    mail.outbox.clear()  # shipping tells people by email too
    assert log_reminders_send(at=THURSDAY) == 0
    assert reminded() == []
    assert mail.outbox == []


def test_one_email_per_person_lists_all_their_projects_missing_a_log(project, team, owner, emails):
    pricing = make_project(team, owner, name="Pricing")
    third = make_project(team, owner, name="Attrition")
    timebox_for_week(project=third, week_start=MONDAY, by=owner)  # logged: not listed

    assert log_reminders_send(at=THURSDAY) == 4  # two projects, two editors each

    assert len(reminded(project)) == len(reminded(pricing)) == 2
    assert recipients() == ["eddie@example.com", "olivia@example.com"]
    email = next(e for e in mail.outbox if e.to == ["olivia@example.com"])
    assert email.subject == "Waypoint: no weekly log yet for 2 projects"
    assert "These projects you edit have no entry" in email.body
    assert email.body.index("- Churn prediction") < email.body.index("- Pricing")
    assert "Attrition" not in email.body


def test_only_new_reminders_are_emailed(project, team, owner, emails):
    log_reminders_send(at=THURSDAY)
    pricing = make_project(team, owner, name="Pricing")  # started after the first run
    mail.outbox.clear()
    assert log_reminders_send(at=THURSDAY + datetime.timedelta(hours=2)) == 2
    assert all(email.subject.endswith("for Pricing") for email in mail.outbox)
    assert len(reminded(pricing)) == 2


def test_inactive_people_get_nothing_and_people_without_email_only_the_in_app_reminder(
    project, owner, editor, emails
):
    owner.email = ""
    owner.save()
    editor.is_active = False
    editor.save()
    assert log_reminders_send(at=THURSDAY) == 1
    assert reminded() == [("olivia", KEY.format(project.pk))]
    assert mail.outbox == []


def test_the_reminders_keep_notifys_exactly_once_and_write_the_same_rows(
    project, owner, editor, outsider, emails
):
    """The service writes its reminders in bulk rather than through notify(): the two must agree
    on the rows and on "once per user and key"."""
    key = KEY.format(project.pk)
    notify(users=[owner], kind="reminder", title="Told already", project=project, key=key)

    assert log_reminders_send(at=THURSDAY) == 1  # the editor only
    assert recipients() == ["eddie@example.com"]
    assert notify(users=[editor], kind="reminder", title="Again", key=key) == []

    ours = Notification.objects.get(user=editor, key=key)
    [theirs] = notify(
        users=[outsider],
        kind=ours.kind,
        title=ours.title,
        url=ours.url,
        body=ours.body,
        project=project,
        key=key,
        at=THURSDAY,
    )

    def fields(notification):
        return {
            f.attname: getattr(notification, f.attname)
            for f in Notification._meta.concrete_fields
            if f.attname not in ("id", "user_id")
        }

    assert fields(ours) == fields(theirs)


def test_a_run_reads_and_writes_a_fixed_number_of_queries_however_many_projects(
    owner, editor, emails, django_assert_max_num_queries
):
    def portfolio(n):
        for _ in range(n):
            make_project(make_team(members={owner: "owner", editor: "editor"}), owner)

    portfolio(3)
    with CaptureQueriesContext(connection) as few:
        assert log_reminders_send(at=THURSDAY) == 6
    Notification.objects.all().delete()
    portfolio(27)
    mail.outbox.clear()
    with django_assert_max_num_queries(len(few)):
        assert log_reminders_send(at=THURSDAY) == 60
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Waypoint: no weekly log yet for 30 projects"


def test_beat_sends_the_log_reminders_on_the_configured_weekday_and_hour(project, emails):
    from config.celery import app

    entry = app.conf.beat_schedule["weekly-log-reminders"]
    assert entry["task"] == "lifecycle.tasks.send_log_reminders"
    schedule = entry["schedule"]
    assert (settings.LOG_REMINDER_WEEKDAY, settings.LOG_REMINDER_HOUR) == (3, 9)  # the defaults
    fires = datetime.datetime(2026, 11, 26, 9, tzinfo=timezone.get_default_timezone())  # Thursday
    last_week = fires - datetime.timedelta(days=7)
    for moment in (fires - datetime.timedelta(days=1), fires - datetime.timedelta(minutes=1)):
        with time_machine.travel(moment):
            assert not schedule.is_due(last_week).is_due, moment
    with time_machine.travel(fires):
        assert schedule.is_due(last_week).is_due
        assert send_log_reminders.delay().get() == 2
    assert len(mail.outbox) == 2


def test_the_command_sends_the_reminders_as_of_a_moment_and_says_how_many(project, emails):
    out = io.StringIO()
    call_command("send_log_reminders", "--at", "2026-11-26T09:00+00:00", stdout=out)
    assert out.getvalue() == "2 log reminder(s) sent.\n"
    assert Notification.objects.get(user__username="olivia").created_at == THURSDAY
    out = io.StringIO()
    call_command("send_log_reminders", "--at", "2026-11-26T10:00+00:00", stdout=out)
    assert out.getvalue() == "0 log reminder(s) sent.\n"
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("moment", ["Thursday", "2026-11-26T09:00", "2026-13-01T09:00+00:00"])
def test_the_command_rejects_a_moment_it_cannot_read(project, emails, moment):
    with pytest.raises(CommandError, match="is not a moment with a time zone"):
        call_command("send_log_reminders", "--at", moment)
    assert reminded() == []
