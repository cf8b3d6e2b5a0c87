import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Membership, Team, User
from lifecycle.demo_data import DEMO_LOGINS, DEMO_PASSWORD, PROJECTS
from lifecycle.models import (
    Charter,
    CriterionKind,
    EventKind,
    ExitCriterion,
    Project,
    ProjectEvent,
    ProjectStatus,
    Risk,
    Stage,
    StageKind,
    SuccessCriterion,
)

pytestmark = pytest.mark.django_db

DEMO_SLUGS = [spec.slug for spec in PROJECTS]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo portfolio, seeded once for this module and rolled back after its last test.

    Seeding goes through the services and takes a few seconds; each test still runs in its
    own savepoint on top of it.
    """
    fast_hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(DEV=True, PASSWORD_HASHERS=fast_hasher),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [User, Group, Team, Membership, Project, ProjectEvent, Charter, SuccessCriterion]
    models += [Risk, Stage, ExitCriterion]
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
    Project.objects.get(slug=DEMO_SLUGS[0]).delete()
    before = row_counts()

    output = seed(once=True)

    assert row_counts() == before  # the deleted demo project does not come back
    assert "demo data left as it is" in output
    assert DEMO_PASSWORD in output
