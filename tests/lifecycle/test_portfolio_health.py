"""Health rules (lifecycle/health.py): each cause on its own, its explanation, and that the
summaries the rules read are kept up to date by the services."""

import datetime

import pytest
from django.utils import timezone

from lifecycle import health, services
from lifecycle.models import ProjectSummary, Stage
from lifecycle.services.experiment_log import experiment_add
from lifecycle.weeks import week_start
from tests.factories import add_risk

TODAY = timezone.localdate()
MONDAY = week_start(TODAY)


def summary_of(project) -> ProjectSummary:
    return ProjectSummary.objects.get(project=project)


def health_of(project, today=TODAY):
    project.refresh_from_db()
    return health.project_health(project, summary_of(project), today)


def log_this_week(project, by, likelihood=None, week=MONDAY):
    experiment_add(project=project, week_start=week, title="Try it", by=by, likelihood=likelihood)


def test_a_project_logged_this_week_with_nothing_wrong_is_on_track(project, owner):
    log_this_week(project, owner, likelihood=60)
    result = health_of(project)
    assert result.level == health.ON_TRACK
    assert result.label == "On track"


def test_no_log_last_week_is_at_risk(project, owner):
    log_this_week(project, owner)
    assert health_of(project, today=TODAY + datetime.timedelta(weeks=1)).level == health.ON_TRACK
    result = health_of(project, today=TODAY + datetime.timedelta(weeks=2))
    assert result.level == health.AT_RISK
    assert result.explanation == "No weekly log last week"


def test_two_weeks_without_a_log_is_stale(project, owner):
    log_this_week(project, owner)
    result = health_of(project, today=TODAY + datetime.timedelta(weeks=3))
    assert result.level == health.STALE
    assert result.explanation == f"No weekly log for 2 weeks (last on {TODAY.day} {TODAY:%b})"


def test_a_new_project_is_not_stale_before_its_first_full_week(project):
    assert health_of(project).level == health.ON_TRACK


def test_a_project_that_never_logged_goes_stale(project):
    later = TODAY + datetime.timedelta(weeks=3)
    result = health_of(project, today=later)
    assert result.level == health.STALE
    assert "(none yet)" in result.explanation


def _plan_current_stage(project, owner, planned_end):
    stage = Stage.objects.get(project=project, kind=project.stage)
    services.document_save(
        instance=stage,
        fields={
            "planned_start": planned_end - datetime.timedelta(days=30),
            "planned_end": planned_end,
        },
        expected_version=stage.version,
        by=owner,
    )


def test_a_stage_past_its_planned_end_is_at_risk(project, owner):
    log_this_week(project, owner)
    _plan_current_stage(project, owner, TODAY - datetime.timedelta(days=3))
    result = health_of(project)
    assert result.level == health.AT_RISK
    assert "Ideation is 3 days past its planned end" in result.explanation


def test_a_stage_more_than_two_weeks_late_is_off_track(project, owner):
    log_this_week(project, owner)
    _plan_current_stage(project, owner, TODAY - datetime.timedelta(days=20))
    assert health_of(project).level == health.OFF_TRACK


def test_a_falling_likelihood_is_at_risk_then_off_track(project, owner):
    for weeks_ago, value in ((3, 70), (2, 68), (1, 64)):
        log_this_week(project, owner, value, week=MONDAY - datetime.timedelta(weeks=weeks_ago))
    log_this_week(project, owner, likelihood=58)
    result = health_of(project)
    assert result.level == health.AT_RISK
    assert "Likelihood fell 12 points in 4 weeks (now 58 %)" in result.explanation

    log_this_week(project, owner, likelihood=45)  # this week's estimate replaces 58
    assert health_of(project).level == health.OFF_TRACK


def test_a_low_likelihood_is_off_track(project, owner):
    log_this_week(project, owner, likelihood=20)
    result = health_of(project)
    assert result.level == health.OFF_TRACK
    assert "only 20 %" in result.explanation


def test_a_blocker_is_off_track_and_says_what_blocks(project, owner):
    log_this_week(project, owner)
    services.project_set_blocker(
        project=project, text="Waiting for data access", expected="", by=owner
    )
    result = health_of(project)
    assert result.level == health.OFF_TRACK
    assert result.reasons[0].text == "Blocked: Waiting for data access"


def test_off_track_outranks_stale_and_every_reason_is_listed(project, owner):
    log_this_week(project, owner)
    services.project_set_blocker(project=project, text="No budget", expected="", by=owner)
    result = health_of(project, today=TODAY + datetime.timedelta(weeks=4))
    assert result.level == health.OFF_TRACK
    assert [reason.level for reason in result.reasons] == [health.OFF_TRACK, health.STALE]


def test_ended_projects_have_no_health(project, owner):
    services.project_stop(project=project, by=owner, stop_reason="no_data", note="")
    assert health_of(project) is None


def test_health_changes_as_days_pass_without_any_write(project, owner):
    log_this_week(project, owner)
    assert health_of(project).level == health.ON_TRACK
    assert health_of(project, TODAY + datetime.timedelta(weeks=2)).level == health.AT_RISK
    assert health_of(project, TODAY + datetime.timedelta(weeks=3)).level == health.STALE


@pytest.mark.parametrize("status", ["open", "mitigated"])
def test_summary_counts_only_open_high_risks(project, owner, status):
    add_risk(project, owner, likelihood=5, impact=4, status=status)
    add_risk(project, owner, likelihood=2, impact=2, status="open")
    assert summary_of(project).open_high_risks == (1 if status == "open" else 0)


def test_summary_follows_stage_moves(project, owner):
    services.project_move_to_stage(
        project=project, to_stage="prototyping", by=owner, reason="Data is in."
    )
    summary = summary_of(project)
    assert summary.stage_started == TODAY
    assert summary.stage_done is False


def test_summary_keeps_the_last_eight_likelihoods_oldest_first(project, owner):
    for weeks_ago in range(10, -1, -1):
        log_this_week(
            project, owner, 50 + weeks_ago, week=MONDAY - datetime.timedelta(weeks=weeks_ago)
        )
    summary = summary_of(project)
    assert summary.likelihood_values == [57, 56, 55, 54, 53, 52, 51, 50]
    assert timezone.localdate(summary.last_log_at) == TODAY


@pytest.mark.parametrize("weeks_later", [0, 1, 2, 3, 5])
def test_the_database_decides_the_same_level_as_the_rules(project, owner, team, weeks_later):
    """The board filters and counts with health_level_sql(); cards explain with project_health().
    Both must agree on every cause, as days pass."""
    from lifecycle.models import Project
    from tests.factories import make_project

    log_this_week(project, owner, likelihood=60)
    overdue = make_project(team, owner, name="Overdue")
    log_this_week(overdue, owner)
    _plan_current_stage(overdue, owner, TODAY - datetime.timedelta(days=5))
    blocked = make_project(team, owner, name="Blocked")
    services.project_set_blocker(project=blocked, text="No GPUs", expected="", by=owner)
    falling = make_project(team, owner, name="Falling")
    log_this_week(falling, owner, 80, week=MONDAY - datetime.timedelta(weeks=1))
    log_this_week(falling, owner, 65)
    low = make_project(team, owner, name="Low")
    log_this_week(low, owner, 25)
    make_project(team, owner, name="Silent")  # never logs
    stopped = make_project(team, owner, name="Stopped")
    services.project_stop(project=stopped, by=owner, stop_reason="no_data", note="")

    today = TODAY + datetime.timedelta(weeks=weeks_later)
    rows = Project.objects.select_related("board_summary").annotate(
        level=health.health_level_sql(today)
    )
    for row in rows:
        expected = health.project_health(row, row.board_summary, today)
        assert row.level == (expected.level if expected else None), row.name
