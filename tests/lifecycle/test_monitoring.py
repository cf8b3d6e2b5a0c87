"""Monitoring of live projects: the checks open one alert per condition, resolve it by themselves
when the condition clears, tell the right people once, and show on the project page and board."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lifecycle import services
from lifecycle.models import Alert, MonitoringPlan, Project, Reading, WatchedSeries
from lifecycle.services import monitoring
from tests.factories import add_criterion, make_project, make_team, make_user, watch

pytestmark = pytest.mark.django_db

# The checks take their time as `at`; the pages use the real clock, so both start from it.
NOW = timezone.now().replace(microsecond=0)
EARLY = NOW - datetime.timedelta(days=30)


def ship(project, by):
    services.project_move_to_stage(
        project=project, to_stage="tech_transfer", by=by, reason="Handed to the platform team."
    )
    if not project.watched_series.exists():
        watch(project, by)
    return services.project_ship(project=project, by=by, note="Live for all agents.")


def read(criterion, value, at, by=None):
    return Reading.objects.create(
        criterion=criterion, project=criterion.project, value=value, at=at, source="production"
    )


@pytest.fixture
def live(project, owner):
    """A shipped project watching "Routed right" (higher is better, alert under 70 %), daily."""
    criterion = add_criterion(project, owner, name="Routed right", baseline=60, target=80)
    watch(project, owner, criterion=criterion, expected_every_hours=24, watched_since=EARLY)
    ship(project, owner)
    return Project.objects.get(pk=project.pk)


def criterion_of(project):
    return project.watched_series.get().criterion


# The checks -------------------------------------------------------------------------------------


def test_a_quiet_series_opens_one_alert_and_a_new_reading_resolves_it(live, owner):
    criterion = criterion_of(live)
    read(criterion, 75, NOW - datetime.timedelta(days=3))

    result = monitoring.monitoring_run(at=NOW)
    assert (result.opened, result.resolved) == (1, 0)
    alert = Alert.objects.get(project=live)
    assert (alert.kind, alert.status, alert.level) == ("quiet", "open", "off_track")
    assert "No production readings of Routed right for 3 days" in alert.title
    assert "expected every day" in alert.title

    # The condition persists: the same alert is kept, its title follows ("for 4 days").
    monitoring.monitoring_run(at=NOW + datetime.timedelta(days=1))
    assert Alert.objects.filter(project=live).count() == 1
    alert.refresh_from_db()
    assert "for 4 days" in alert.title and alert.status == "open"

    read(criterion, 76, NOW + datetime.timedelta(days=1, hours=1))
    result = monitoring.monitoring_run(at=NOW + datetime.timedelta(days=1, hours=2))
    assert result.resolved == 1
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.resolved_by is None
    assert alert.resolve_note == "Resolved by itself: production readings arrived again."
    assert not Alert.objects.unresolved().filter(project=live).exists()


def test_a_reading_inside_interval_and_grace_is_not_quiet(live):
    # Daily, with a grace of half a day: 35 hours of silence is fine, 37 is not.
    read(criterion_of(live), 75, NOW - datetime.timedelta(hours=35))
    assert monitoring.monitoring_run(at=NOW).opened == 0
    assert monitoring.monitoring_run(at=NOW + datetime.timedelta(hours=2)).opened == 1


def test_a_series_that_never_had_a_reading_is_quiet_from_when_it_was_watched(live):
    monitoring.monitoring_run(at=NOW)
    alert = Alert.objects.get(project=live)
    assert "none received yet" in alert.title


def test_a_breach_is_direction_aware(live, owner):
    higher = criterion_of(live)
    lower = add_criterion(live, owner, name="Handling time", unit="s", baseline=300, target=200)
    lower.direction = "lower"
    lower.save()
    watch(live, owner, criterion=lower, alert_threshold=280, expected_every_hours=24)
    read(higher, 70, NOW - datetime.timedelta(hours=2))  # equal to the threshold: fine
    read(lower, 280, NOW - datetime.timedelta(hours=2))
    assert monitoring.monitoring_run(at=NOW).opened == 0

    read(higher, 69.5, NOW - datetime.timedelta(hours=1))  # below, higher is better: breach
    read(lower, 281, NOW - datetime.timedelta(hours=1))  # above, lower is better: breach
    monitoring.monitoring_run(at=NOW)
    titles = sorted(
        Alert.objects.filter(project=live, kind="breach").values_list("title", flat=True)
    )
    assert titles[0].startswith("Handling time is 281 s, above its alert threshold of 280 s")
    assert titles[1].startswith("Routed right is 69.5 %, below its alert threshold of 70 %")

    read(higher, 72, NOW)
    monitoring.monitoring_run(at=NOW + datetime.timedelta(minutes=15))
    resolved = Alert.objects.get(project=live, kind="breach", subject=f"criterion:{higher.pk}")
    assert resolved.status == "resolved"
    assert "back within the alert threshold" in resolved.resolve_note
    assert Alert.objects.unresolved().filter(project=live, kind="breach").count() == 1


def test_a_stale_model_opens_an_at_risk_alert_until_retrained(live, owner):
    trained = timezone.localdate(NOW) - datetime.timedelta(days=100)
    monitoring.monitoring_plan_save(
        project=live,
        fields={"model_version": "v3", "trained_on": trained, "retrain_every_days": 90},
        expected_version=None,
        by=owner,
    )
    read(criterion_of(live), 75, NOW - datetime.timedelta(hours=1))
    monitoring.monitoring_run(at=NOW)
    alert = Alert.objects.get(project=live)
    assert (alert.kind, alert.level) == ("stale_model", "at_risk")
    assert alert.title.startswith("Model v3 is 10 days overdue for retraining")

    monitoring.monitoring_plan_save(
        project=live,
        fields={"trained_on": timezone.localdate(NOW)},
        expected_version=1,
        by=owner,
    )
    monitoring.monitoring_run(at=NOW)
    alert.refresh_from_db()
    assert alert.status == "resolved" and "retrained" in alert.resolve_note


def test_projects_not_live_are_not_checked_and_their_alerts_resolve(live, owner, team):
    in_prototyping = make_project(team, owner, name="Still building")
    watch(in_prototyping, owner)
    monitoring.monitoring_run(at=NOW)
    assert not Alert.objects.filter(project=in_prototyping).exists()
    assert Alert.objects.filter(project=live).count() == 1

    services.project_reopen(project=live, by=owner, reason="Rolled back")
    Project.objects.filter(pk=live.pk).update(stage="tech_transfer")
    monitoring.monitoring_run(at=NOW)
    alert = Alert.objects.get(project=live)
    assert alert.status == "resolved"
    assert alert.resolve_note == "Resolved by itself: the project is no longer monitored."


def test_running_twice_changes_nothing_the_second_time(live):
    monitoring.monitoring_run(at=NOW)
    before = list(Alert.objects.values_list("pk", "status", "title"))
    result = monitoring.monitoring_run(at=NOW)
    assert (result.opened, result.resolved) == (0, 0)
    assert list(Alert.objects.values_list("pk", "status", "title")) == before


def test_the_pass_reads_a_fixed_number_of_queries_however_many_projects(
    owner, django_assert_max_num_queries
):
    def portfolio(n):
        team = make_team(members={owner: "owner"})
        for _ in range(n):
            project = make_project(team, owner)
            for _ in range(3):
                watch(project, owner, criterion=add_criterion(project, owner), watched_since=EARLY)
            ship(project, owner)
            MonitoringPlan.objects.create(
                project=project, trained_on=datetime.date(2026, 1, 1), retrain_every_days=30
            )

    def queries_of_a_pass(at):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            monitoring.monitoring_run(at=at)
        return len(captured)

    portfolio(2)
    small_open = queries_of_a_pass(NOW)
    small_again = queries_of_a_pass(NOW + datetime.timedelta(hours=1))
    portfolio(8)
    Alert.objects.all().delete()
    big_open = queries_of_a_pass(NOW)
    big_again = queries_of_a_pass(NOW + datetime.timedelta(hours=1))
    assert Alert.objects.unresolved().count() == 10 * 4  # three quiet series and a stale model
    assert big_open == small_open
    assert big_again == small_again


def test_new_alerts_are_emailed_once_to_whoever_the_series_names(
    live, owner, editor, viewer, django_capture_on_commit_callbacks
):
    for user in (owner, editor, viewer):
        user.email = f"{user.username}@example.com"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.monitoring_run(at=NOW)
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "eddie@example.com",
        "olivia@example.com",
    ]
    assert mail.outbox[0].subject.startswith("Waypoint alert: No production readings")
    assert f"/projects/{live.slug}/monitoring/" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        monitoring.monitoring_run(at=NOW + datetime.timedelta(hours=1))
    assert len(mail.outbox) == 2  # the same alert is not announced again

    WatchedSeries.objects.filter(project=live).update(tell="team")
    Alert.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.monitoring_run(at=NOW)
    assert len(mail.outbox) == 5


# Acknowledging and resolving by hand --------------------------------------------------------------


def test_acknowledge_then_resolve_with_who_when_and_a_note(client, live, editor):
    monitoring.monitoring_run(at=NOW)
    alert = Alert.objects.get(project=live)
    client.force_login(editor)
    url = reverse("lifecycle:alert_acknowledge", args=[live.slug, alert.pk])
    response = client.post(url, {"note": "  "})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "open"
    page = client.get(reverse("lifecycle:monitoring", args=[live.slug])).content.decode()
    assert "Write a line about it first" in page

    client.post(url, {"note": "The export job died; restarting it"})
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.acknowledge_note) == (
        "acknowledged",
        editor,
        "The export job died; restarting it",
    )
    page = client.get(reverse("lifecycle:monitoring", args=[live.slug])).content.decode()
    assert "Eddie Editor</strong> is on it" in page

    # An acknowledged alert is still unresolved: the checks keep it, they do not open another.
    monitoring.monitoring_run(at=NOW + datetime.timedelta(hours=1))
    assert Alert.objects.filter(project=live).count() == 1

    client.post(
        reverse("lifecycle:alert_resolve", args=[live.slug, alert.pk]), {"note": "Job restarted"}
    )
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by, alert.resolve_note) == (
        "resolved",
        editor,
        "Job restarted",
    )
    # Resolved by hand while the feed is still quiet: the next pass opens a new alert.
    monitoring.monitoring_run(at=NOW + datetime.timedelta(hours=2))
    assert Alert.objects.unresolved().filter(project=live).count() == 1


def test_an_alert_of_another_project_is_404(client, live, owner, editor):
    other_owner = make_user("zoe")
    other = make_project(make_team(members={other_owner: "owner"}), other_owner, name="Other")
    watch(other, other_owner, watched_since=EARLY)
    ship(other, other_owner)
    monitoring.monitoring_run(at=NOW)
    foreign = Alert.objects.get(project=other)
    client.force_login(editor)
    url = reverse("lifecycle:alert_resolve", args=[live.slug, foreign.pk])
    assert client.post(url, {"note": "Not mine"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "open"


# The plan and the series ------------------------------------------------------------------------


def test_watching_a_criterion_from_the_page(client, project, owner, editor):
    criterion = add_criterion(project, owner, name="Routed right")
    client.force_login(editor)
    url = reverse("lifecycle:watch_new", args=[project.slug])
    assert "Routed right" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "criterion": criterion.pk,
            "expected_every_hours": 24,
            "alert_threshold": 70,
            "tell": "editors",
        },
    )
    assert response.status_code == 302
    series = WatchedSeries.objects.get(project=project)
    assert (series.criterion, series.alert_threshold) == (criterion, 70)
    assert series.history.first().history_user == editor

    # Already watched: it is no longer offered, and posting it anyway says so.
    response = client.post(
        url, {"criterion": criterion.pk, "expected_every_hours": 24, "alert_threshold": 1}
    )
    assert response.status_code == 422
    assert "not watched yet" in response.content.decode()


def test_a_criterion_of_another_project_cannot_be_watched(client, project, owner):
    other = make_project(make_team(members={owner: "owner"}), owner, name="Other")
    foreign = add_criterion(other, owner)
    client.force_login(owner)
    response = client.post(
        reverse("lifecycle:watch_new", args=[project.slug]),
        {"criterion": foreign.pk, "expected_every_hours": 24, "alert_threshold": 1},
    )
    assert response.status_code == 422
    assert not WatchedSeries.objects.exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("expected_every_hours", 0, "greater than or equal to 1"),
        ("expected_every_hours", 5000, "less than or equal to 2160"),
        ("alert_threshold", "lots", "Enter a number"),
    ],
)
def test_bad_series_settings_are_explained(client, project, owner, field, value, message):
    criterion = add_criterion(project, owner)
    client.force_login(owner)
    data = {"criterion": criterion.pk, "expected_every_hours": 24, "alert_threshold": 70}
    data[field] = value
    response = client.post(reverse("lifecycle:watch_new", args=[project.slug]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not WatchedSeries.objects.exists()


def test_a_live_project_keeps_at_least_one_watched_series(client, live, owner):
    series = live.watched_series.get()
    client.force_login(owner)
    response = client.post(
        reverse("lifecycle:watch_delete", args=[live.slug, series.pk]), {"version": 1}, follow=True
    )
    assert "needs at least one watched criterion" in response.content.decode()
    assert WatchedSeries.objects.filter(pk=series.pk).exists()


def test_stopping_watching_resolves_its_alerts_and_says_why(client, live, owner):
    extra = watch(
        live, owner, criterion=add_criterion(live, owner, name="Recall"), watched_since=EARLY
    )
    monitoring.monitoring_run(at=NOW)
    assert Alert.objects.unresolved().filter(project=live).count() == 2
    client.force_login(owner)
    client.post(reverse("lifecycle:watch_delete", args=[live.slug, extra.pk]), {"version": 1})
    assert not WatchedSeries.objects.filter(pk=extra.pk).exists()
    gone = Alert.objects.get(subject=f"criterion:{extra.criterion_id}")
    assert (gone.status, gone.resolved_by, gone.resolve_note) == (
        "resolved",
        owner,
        "Resolved: the criterion is no longer watched.",
    )


def test_the_plan_is_created_on_first_save_and_conflicts_are_caught(client, project, owner, editor):
    url = reverse("lifecycle:monitoring_plan", args=[project.slug])
    client.force_login(owner)
    assert client.get(url).status_code == 200
    assert not MonitoringPlan.objects.exists()  # opening the form writes nothing
    response = client.post(
        url, {"model_version": "v3", "trained_on": "2026-11-02", "retrain_every_days": 90}
    )
    assert response.status_code == 302
    plan = MonitoringPlan.objects.get(project=project)
    assert (plan.model_version, plan.version) == ("v3", 1)

    client.force_login(editor)
    client.post(url, {"model_version": "v4", "version": 1})
    client.force_login(owner)
    response = client.post(url, {"model_version": "v3.1", "version": 1})
    assert response.status_code == 409
    assert "Eddie Editor saved this while you were editing" in response.content.decode()
    plan.refresh_from_db()
    assert plan.model_version == "v4"


def test_a_cadence_needs_a_training_date(client, project, owner):
    client.force_login(owner)
    response = client.post(
        reverse("lifecycle:monitoring_plan", args=[project.slug]), {"retrain_every_days": 30}
    )
    assert response.status_code == 422
    assert "Say when the model in production was trained" in response.content.decode()
    assert not MonitoringPlan.objects.exists()


# What people see --------------------------------------------------------------------------------


def test_open_alerts_show_on_the_project_page_and_the_board(client, live, manager):
    read(criterion_of(live), 75, NOW - datetime.timedelta(days=3))
    monitoring.monitoring_run(at=NOW)
    client.force_login(manager)
    page = client.get(live.get_absolute_url()).content.decode()
    assert "No production readings of Routed right for 3 days" in page
    assert "1 open" in page

    board = client.get(reverse("lifecycle:portfolio"), {"view": "table"})
    text = board.content.decode()
    assert "Off track" in text
    assert "No production readings of Routed right for 3 days" in text


def test_the_board_filters_projects_with_open_alerts(client, live, owner, team, manager):
    quiet_one = make_project(team, owner, name="All quiet")
    read(criterion_of(live), 75, NOW - datetime.timedelta(days=3))
    monitoring.monitoring_run(at=NOW)
    client.force_login(manager)
    response = client.get(reverse("lifecycle:portfolio"), {"view": "table", "alerts": "open"})
    names = [card.name for card in response.context["page"].object_list]
    assert names == [live.name]
    response = client.get(reverse("lifecycle:portfolio"), {"view": "table", "alerts": "none"})
    names = [card.name for card in response.context["page"].object_list]
    assert quiet_one.name in names and live.name not in names


def test_a_shipped_project_without_alerts_is_on_track(client, live, manager):
    read(criterion_of(live), 75, NOW - datetime.timedelta(hours=1))
    monitoring.monitoring_run(at=NOW)
    client.force_login(manager)
    response = client.get(reverse("lifecycle:portfolio"), {"view": "table", "health": "on_track"})
    assert [card.name for card in response.context["page"].object_list] == [live.name]


def test_the_monitoring_page_shows_each_series_state_in_words(client, live, owner, viewer):
    read(criterion_of(live), 65, NOW - datetime.timedelta(hours=1))
    monitoring.monitoring_run(at=NOW)
    client.force_login(viewer)
    response = client.get(reverse("lifecycle:monitoring", args=[live.slug]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Past threshold" in text
    assert "below 70 %" in text
    assert "Acknowledge" not in text  # viewers read; they do not act


def test_the_monitoring_page_reads_a_fixed_number_of_queries(
    client, live, owner, django_assert_max_num_queries
):
    client.force_login(owner)
    url = reverse("lifecycle:monitoring", args=[live.slug])
    client.get(url)
    for _ in range(6):
        watch(live, owner, criterion=add_criterion(live, owner))
    monitoring.monitoring_run(at=NOW)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_passes_at_once_open_each_alert_once(live):
    """PostgreSQL: beat's pass and a manual one at the same moment."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    results, errors = [], []

    def one_pass():
        try:
            barrier.wait(timeout=10)
            results.append(monitoring.monitoring_run(at=NOW, tell=False))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(result.opened for result in results) == [0, 1]
    assert Alert.objects.filter(project=live).count() == 1


def test_people_told_of_a_new_alert_get_it_in_app_once(
    live, owner, editor, viewer, django_capture_on_commit_callbacks
):
    from accounts.models import Notification

    for user in (owner, editor, viewer):
        user.email = f"{user.username}@example.com"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.monitoring_run(at=NOW)
        monitoring.monitoring_run(at=NOW + datetime.timedelta(hours=1))
    alert = Alert.objects.get(project=live)
    notes = Notification.objects.filter(key=f"alert:{alert.pk}")
    assert sorted(n.user.username for n in notes) == ["eddie", "olivia"]
    assert {(n.kind, n.url, n.project_id) for n in notes} == {
        ("alert", f"/projects/{live.slug}/monitoring/", live.pk)
    }
