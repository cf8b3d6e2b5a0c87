import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Membership, Team, User
from demos.models import Dataset, Demo, Example, Feedback, JobStatus, ShareLink, UploadJob
from demos.selectors.examples import dataset_bands
from demos.services import agreement_by_band
from devdata.portfolio import DEMO_LOGINS, DEMO_PASSWORD, LOGS, PROJECTS
from devdata.portfolio import DEMOS as SPECS
from lifecycle.models import (
    Alert,
    Charter,
    CriterionKind,
    EventKind,
    ExitCriterion,
    Experiment,
    Outcome,
    Project,
    ProjectEvent,
    ProjectStatus,
    Reading,
    Risk,
    Stage,
    StageKind,
    SuccessCriterion,
    Timebox,
)
from lifecycle.weeks import week_start

pytestmark = pytest.mark.django_db

DEMO_SLUGS = [spec.slug for spec in PROJECTS]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [User, Group, Team, Membership, Project, ProjectEvent, Charter, SuccessCriterion]
    models += [Risk, Stage, ExitCriterion, Timebox, Experiment, Reading]
    models += [Demo, Dataset, Example, UploadJob, ShareLink, Feedback]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["charter revisions"] = Charter.history.count()
    counts["stage revisions"] = Stage.history.count()
    return counts


def test_demo_portfolio_covers_every_stage_and_both_endings(seeded):
    demo = Project.objects.filter(slug__in=DEMO_SLUGS)
    active_stages = demo.filter(status=ProjectStatus.ACTIVE).values_list("stage", flat=True)
    stopped = demo.filter(status=ProjectStatus.STOPPED)

    assert demo.count() >= 12
    assert set(active_stages) == set(StageKind.values)
    assert demo.filter(status=ProjectStatus.SHIPPED).count() >= 2
    assert len(set(stopped.values_list("stop_reason", flat=True))) >= 2
    assert len(set(stopped.values_list("ended_stage", flat=True))) >= 2


def test_every_demo_project_has_its_documents_filled_in(seeded):
    for project in Project.objects.filter(slug__in=DEMO_SLUGS):
        criteria_kinds = set(project.criteria.values_list("kind", flat=True))
        stages = list(project.stages.all())

        assert not project.charter.is_empty, project
        assert project.stop_rule.text, project
        assert 2 <= project.criteria.count() <= 4, project
        assert criteria_kinds == {CriterionKind.BUSINESS, CriterionKind.MODEL}, project
        assert 2 <= project.risks.count() <= 5, project
        assert len(stages) == 5, project
        assert all(stage.goals and stage.planned_start for stage in stages), project
        assert all(stage.exit_criteria.exists() for stage in stages), project


def test_stage_moves_are_in_the_decision_log_dated_in_the_past(seeded):
    year_ago = timezone.now() - datetime.timedelta(days=365)
    moves = ProjectEvent.objects.filter(kind=EventKind.STAGE_MOVED)

    assert moves.filter(at__lt=year_ago).exists()
    assert any(move.is_backward for move in moves)
    assert Project.objects.filter(slug__in=DEMO_SLUGS, created_at__lt=year_ago).exists()
    assert ProjectEvent.objects.filter(kind=EventKind.SHIPPED).count() >= 2
    assert ProjectEvent.objects.filter(kind=EventKind.STOPPED).count() >= 2


def test_some_active_demo_projects_are_overdue(seeded):
    stages = Stage.objects.filter(project__slug__in=DEMO_SLUGS, project__status="active")
    overdue_projects = {stage.project_id for stage in stages if stage.is_overdue()}

    assert len(overdue_projects) >= 2


def test_some_charters_were_revised_by_several_people(seeded):
    authors_per_charter = {}
    for record in Charter.history.filter(project__slug__in=DEMO_SLUGS):
        authors_per_charter.setdefault(record.project_id, set()).add(record.history_user_id)

    assert sum(len(authors) >= 3 for authors in authors_per_charter.values()) >= 2


def test_demo_accounts_have_their_roles(seeded):
    def roles(username):
        return set(
            Membership.objects.filter(user__username=username).values_list("role", flat=True)
        )

    assert User.objects.get(username="manager").is_portfolio_manager
    assert roles("dana") == {"owner", "editor"}
    assert roles("sam") == {"viewer"}
    assert User.objects.get(username="admin").is_superuser
    for username, _ in DEMO_LOGINS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD), username


def test_running_again_creates_nothing(seeded):
    before = row_counts()

    output = seed()

    assert row_counts() == before
    assert "Demo projects: 0 created" in output
    assert f"Demos: 0 created, {len(SPECS)} already there" in output


def test_prints_the_demo_logins(seeded):
    output = seed()

    assert DEMO_PASSWORD in output
    for username, description in DEMO_LOGINS:
        assert username in output
        assert description in output


def test_refuses_outside_development(seeded, settings):
    settings.DEV = False
    before = row_counts()

    with pytest.raises(CommandError, match="WAYPOINT_DEV=1"):
        seed(projects=5)

    assert row_counts() == before


def test_projects_option_adds_synthetic_projects_once(seeded):
    seed(projects=30)
    seed(projects=30)

    synthetic = Project.objects.filter(slug__startswith="synthetic-project-")
    assert synthetic.count() == 30
    assert Charter.objects.filter(project__in=synthetic).count() == 30
    assert SuccessCriterion.objects.filter(project__in=synthetic).count() == 90
    assert Risk.objects.filter(project__in=synthetic).count() == 90
    assert Stage.objects.filter(project__in=synthetic).count() == 150
    in_progress = Stage.objects.filter(project__in=synthetic, status="in_progress")
    assert sorted(in_progress.values_list("project__slug", "kind")) == sorted(
        synthetic.values_list("slug", "stage")
    )
    assert set(synthetic.values_list("status", flat=True)) == set(ProjectStatus.values)


def test_once_leaves_a_database_with_projects_alone(seeded):
    with_demos = next(slug for slug in DEMO_SLUGS if slug in {s.project for s in SPECS})
    Project.objects.get(slug=with_demos).delete()
    before = row_counts()

    output = seed(once=True)

    assert row_counts() == before  # the deleted demo project does not come back
    assert "demo data left as it is" in output
    assert DEMO_PASSWORD in output


# The weekly experiment log of the demo projects

LOGGED = [spec for spec in PROJECTS if spec.slug in LOGS]


def weeks_between(first: datetime.date, last: datetime.date) -> int:
    return (week_start(last) - week_start(first)).days // 7 + 1


def test_every_demo_project_past_ideation_logs_most_weeks_with_a_gap(seeded):
    past_ideation = [spec.slug for spec in PROJECTS if spec.moves]
    assert sorted(spec.slug for spec in LOGGED) == sorted(past_ideation)
    for spec in LOGGED:
        project = Project.objects.get(slug=spec.slug)
        weeks = sorted(project.timeboxes.values_list("week_start", flat=True))
        span = weeks_between(weeks[0], weeks[-1])

        assert len(weeks) >= 0.85 * span, project
        if LOGS[spec.slug].missed:
            assert len(weeks) < span, f"{project}: no missed week to show"


def test_weeks_hold_one_to_four_experiments_written_out(seeded):
    for timebox in Timebox.objects.filter(project__slug__in=LOGS).prefetch_related("experiments"):
        experiments = list(timebox.experiments.all())
        assert 1 <= len(experiments) <= 4, timebox
        for experiment in experiments:
            assert experiment.hypothesis and experiment.what_was_done and experiment.result
            assert experiment.outcome != Outcome.PLANNED
            assert "{" not in experiment.title + experiment.result, experiment.title
    outcomes = set(Experiment.objects.values_list("outcome", flat=True))
    assert outcomes == {"supported", "refuted", "inconclusive", "abandoned"}


def test_the_log_is_dated_in_the_past(seeded):
    now = timezone.now()
    year_ago = now - datetime.timedelta(days=365)
    experiments = Experiment.objects.filter(project__slug__in=LOGS)

    assert not experiments.filter(created_at__gt=now).exists()
    assert experiments.filter(created_at__lt=year_ago).exists()
    assert not Reading.objects.filter(at__gt=now).exists()
    assert Timebox.history.filter(history_date__lt=year_ago).exists()
    for experiment in experiments.prefetch_related("readings")[:200]:
        assert (
            week_start(timezone.localdate(experiment.created_at)) == experiment.timebox.week_start
        )
        for reading in experiment.readings.all():
            assert reading.at == experiment.created_at


def test_likelihood_is_estimated_most_weeks_with_a_reason(seeded):
    timeboxes = Timebox.objects.filter(project__slug__in=LOGS)
    estimated = timeboxes.filter(likelihood__isnull=False)

    assert estimated.count() >= 0.8 * timeboxes.count()
    assert not estimated.filter(likelihood_reason="").exists()
    assert estimated.filter(likelihood_reason__startswith="38 % recall").exists()  # hand-written


def readings(slug: str, criterion: str, source: str = "experiment") -> list[float]:
    return list(
        Reading.objects.filter(project__slug=slug, criterion__name=criterion, source=source)
        .order_by("at")
        .values_list("value", flat=True)
    )


def test_readings_move_towards_the_target_where_the_project_worked(seeded):
    recall = readings("churn-prediction-for-subscription-customers", "Recall@top-5%")
    wape = readings("demand-forecasting-for-fresh-produce", "Forecast error (WAPE)")

    assert recall[0] < 22 and max(recall) >= 35  # from the rule's 19 % past the 35 % target
    assert wape[0] > 35 and min(wape) <= 25  # lower is better
    assert len(recall) >= 20


def test_readings_stall_below_the_target_where_the_project_stopped(seeded):
    hit_rate = readings("suggested-replies-for-support-emails", "Hit rate@3")
    acceptance = readings("suggested-replies-for-support-emails", "Suggestion acceptance")

    assert max(hit_rate) < 62  # target 70: the plateau that stopped it
    assert acceptance and max(acceptance) < 15  # target 30


def test_live_projects_have_weekly_production_readings(seeded):
    shipped = Project.objects.filter(slug__in=LOGS, status=ProjectStatus.SHIPPED)
    assert shipped.count() >= 2
    for project in shipped:
        production = project.readings.filter(source="production")
        assert production.count() >= 20, project
    assert not Reading.objects.filter(
        project__slug="synthetic-identity-detection", source="production"
    ).exists()


def test_the_live_demo_projects_are_monitored_with_one_of_each_finding(seeded):
    """make run shows monitoring at once: a healthy live project (stable live traffic), a breach
    with a stale model and drifted live traffic, and a production feed that went quiet; every
    shipped project watches something."""
    for project in Project.objects.filter(slug__in=DEMO_SLUGS, status=ProjectStatus.SHIPPED):
        assert project.watched_series.exists(), project
    unresolved = {
        (alert.project.slug, alert.kind)
        for alert in Alert.objects.unresolved().select_related("project")
    }
    assert unresolved == {
        ("card-fraud-flags-for-manual-review", "breach"),
        ("card-fraud-flags-for-manual-review", "stale_model"),
        ("card-fraud-flags-for-manual-review", "drift"),
        ("support-ticket-triage", "quiet"),
    }
    live = {
        d.demo.project.slug: d.drift_level for d in Dataset.objects.filter(live_of__isnull=False)
    }
    assert live == {
        "churn-prediction-for-subscription-customers": "stable",
        "card-fraud-flags-for-manual-review": "significant",
    }
    churn = Project.objects.get(slug="churn-prediction-for-subscription-customers")
    assert churn.board_summary.alert_level == ""
    triage = Project.objects.get(slug="support-ticket-triage")
    assert triage.board_summary.alert_level == "off_track"
    assert "No production readings of Time to first read" in triage.board_summary.alerts[0][1]


def test_run_monitoring_command_reports_and_refuses_a_moment_without_time_zone(seeded):
    out = io.StringIO()
    call_command("run_monitoring", stdout=out)
    assert "0 alerts opened, 4 still open, 0 resolved" in out.getvalue()
    with pytest.raises(CommandError, match="with a time zone"):
        call_command("run_monitoring", at="2026-12-04T09:00", stdout=io.StringIO())
    with pytest.raises(CommandError, match="with a time zone"):  # month 13
        call_command("run_monitoring", at="2026-13-04T09:00+00:00", stdout=io.StringIO())
    later = (timezone.now() + datetime.timedelta(days=400)).isoformat()
    out = io.StringIO()
    call_command("run_monitoring", at=later, stdout=out)
    assert "alerts opened" in out.getvalue()


# The synthetic portfolio's logs


def test_weeks_option_gives_synthetic_projects_a_log_once(seeded):
    output = seed(projects=6, weeks=5)
    seed(projects=6, weeks=5)

    synthetic = Project.objects.filter(slug__startswith="synthetic-project-")
    timeboxes = Timebox.objects.filter(project__in=synthetic)
    experiments = Experiment.objects.filter(project__in=synthetic)
    assert timeboxes.count() == 30
    assert 40 <= experiments.count() <= 80  # about two a week
    assert not timeboxes.filter(likelihood__isnull=True).exists()
    assert Reading.objects.filter(project__in=synthetic, experiment__isnull=False).count() >= 30
    assert "Synthetic logs: 6 projects given 5 weeks each" in output
    for project in synthetic:
        weeks = sorted(project.timeboxes.values_list("week_start", flat=True))
        end = timezone.localdate(project.ended_at) if project.ended_at else timezone.localdate()
        assert weeks[-1] == week_start(end)
        assert [(b - a).days for a, b in zip(weeks, weeks[1:], strict=False)] == [7] * 4


def test_weeks_option_logs_synthetic_projects_created_earlier(seeded):
    seed(projects=3)
    assert not Timebox.objects.filter(project__slug__startswith="synthetic-project-").exists()

    seed(projects=3, weeks=2)

    assert Timebox.objects.filter(project__slug__startswith="synthetic-project-").count() == 6


def test_weeks_option_needs_projects(seeded):
    with pytest.raises(CommandError, match="--weeks"):
        seed(weeks=3)


# Demos


def test_demos_hold_realistic_outputs_uploaded_through_jobs(seeded):
    demos = Demo.objects.filter(project__slug__in=DEMO_SLUGS)
    assert 4 <= demos.count() <= 6
    assert demos.values("project").distinct().count() == demos.count()
    assert set(demos.values_list("scale__kind", flat=True)) == {"bands", "stars", "traffic_light"}
    for demo in demos:
        assert len(demo.intro) > 100, demo
        datasets = list(demo.datasets.all())
        assert datasets and all(d.ready and d.row_count >= 200 for d in datasets), demo
        assert all(d.display_columns for d in datasets), demo
        assert Example.objects.filter(dataset__demo=demo, fields={}).count() == 0, demo
    assert set(UploadJob.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    assert Dataset.objects.exclude(classes=[]).count() == 1  # one multi-class demo
    scores = list(Example.objects.filter(top_class="").values_list("score", flat=True))
    assert min(scores) < 0.1 and max(scores) > 0.9


def test_one_demo_has_two_versions_on_the_same_examples(seeded):
    demo = Demo.objects.get(datasets__model_version="gbm-v2-usage-trends")
    old, new = demo.datasets.filter(live_of__isnull=True).order_by("created_at")
    old_ids = set(old.examples.values_list("external_id", flat=True))
    assert old_ids == set(new.examples.values_list("external_id", flat=True))
    changed = sum(
        a != b
        for a, b in zip(
            old.examples.order_by("external_id").values_list("score", flat=True),
            new.examples.order_by("external_id").values_list("score", flat=True),
            strict=True,
        )
    )
    assert changed > 300


def test_demos_have_share_links_and_feedback_with_agreement_by_band(seeded):
    for demo in Demo.objects.filter(project__slug__in=DEMO_SLUGS):
        assert demo.share_links.filter(revoked_at__isnull=True).exists(), demo
        # The newest model version (live traffic is judged on its version, not by itself).
        versions = demo.datasets.filter(ready=True, live_of__isnull=True)
        latest = versions.select_related("scale").first()
        verdicts = set(latest.feedback.values_list("verdict", flat=True))
        assert verdicts == {"agree", "disagree", "unsure"}, demo
        assert latest.feedback.exclude(comment="").exists(), demo
        rows = agreement_by_band(latest, dataset_bands(latest))
        rated = [row for row in rows if row["judged"]]
        assert len(rated) >= 2, demo
        assert 0.4 < sum(r["agree"] for r in rows) / sum(r["judged"] for r in rows) < 0.95
    assert Feedback.objects.filter(user__username="sam").exists()  # signed in, not by link
    assert Feedback.objects.filter(link__isnull=False, user__isnull=True).count() >= 100
