"""Small factory functions for tests: explicit arguments, sensible defaults."""

import datetime
import itertools

from django.utils import timezone

from accounts.models import Membership, Team, User
from lifecycle import services
from lifecycle.models import Project

_numbers = itertools.count(1)

PASSWORD = "correct horse battery staple"


def make_user(username: str | None = None, **fields) -> User:
    username = username or f"user{next(_numbers)}"
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def make_team(name: str | None = None, members: dict | None = None) -> Team:
    name = name or f"Team {next(_numbers)}"
    team = Team.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    for user, role in (members or {}).items():
        Membership.objects.create(team=team, user=user, role=role)
    return team


def make_project(team: Team, owner: User, name: str | None = None, **fields) -> Project:
    return services.project_create(
        team=team,
        name=name or f"Project {next(_numbers)}",
        summary=fields.pop("summary", "Predict something useful."),
        owner=owner,
        by=owner,
    )


def add_criterion(project: Project, by: User, **fields):
    values = {
        "name": f"Criterion {next(_numbers)}",
        "kind": "business",
        "metric": "share of tickets routed right",
        "unit": "%",
        "baseline": 60.0,
        "target": 80.0,
        "direction": "higher",
    }
    values.update(fields)
    return services.criterion_add(project=project, fields=values, by=by)


def add_risk(project: Project, by: User, **fields):
    values = {
        "title": f"Risk {next(_numbers)}",
        "category": "data",
        "likelihood": 3,
        "impact": 4,
        "mitigation": "Check label quality weekly.",
        "status": "open",
    }
    values.update(fields)
    return services.risk_add(project=project, fields=values, by=by)


def watch(project: Project, by: User, criterion=None, **fields):
    """Watch a criterion in production (shipping needs one): the project's first, or a new one."""
    from lifecycle.services import monitoring

    criterion = criterion or project.criteria.first() or add_criterion(project, by)
    values = {"criterion": criterion, "expected_every_hours": 24, "alert_threshold": 70.0}
    values.update(fields)
    return monitoring.watched_series_add(project=project, fields=values, by=by)


def make_experiment(project: Project, by: User, title: str | None = None, **fields):
    """An experiment planned in this week's timebox."""
    from lifecycle.services.experiment_log import experiment_add
    from lifecycle.weeks import week_start

    fields.setdefault("hypothesis", "A simple model beats the rule of thumb.")
    return experiment_add(
        project=project,
        week_start=week_start(timezone.localdate()),
        title=title or f"Experiment {next(_numbers)}",
        by=by,
        **fields,
    )


def make_demo(project: Project, by: User, title: str | None = None):
    from demos.services import demo_create

    return demo_create(project=project, title=title or f"Demo {next(_numbers)}", by=by)


def make_dataset(demo, scores, *, version="v1", fields=None, classes=None, top=None):
    """A ready dataset with one example per score: ids t1, t2, … and a title per row."""
    from demos.models import Dataset, Example

    dataset = Dataset.objects.create(
        demo=demo,
        model_version=version,
        ready=True,
        scale=demo.scale,
        classes=classes or [],
        display_columns=list(dict.fromkeys(k for f in fields for k in f)) if fields else ["title"],
        row_count=len(scores),
    )
    Example.objects.bulk_create(
        Example(
            dataset=dataset,
            row=index + 2,
            external_id=f"t{index + 1}",
            score=score,
            top_class=(top[index] if top else ""),
            fields=(fields[index] if fields else {"title": f"Ticket {index + 1}", "text": ""}),
        )
        for index, score in enumerate(scores)
    )
    return dataset


def make_upload_job(demo, version: str = "v9"):
    """A queued upload job (its file is never read)."""
    from demos.models import UploadJob

    return UploadJob.objects.create(demo=demo, original_name="x.csv", model_version=version)


def make_share_link(demo, by: User, state: str = "valid", **fields):
    """A share link that is `valid`, `expired` (yesterday) or `revoked`."""
    from demos.services import share_link_create, share_link_revoke

    link = share_link_create(demo=demo, by=by, **fields)
    if state == "expired":
        link.expires_at = timezone.now() - datetime.timedelta(days=1)
        link.save(update_fields=["expires_at"])
    elif state == "revoked":
        share_link_revoke(link=link)
    return link


# A valid scale form (scale_edit, scale_preview): two bands, urgent from 0.7.
SCALE = {
    "kind": "bands",
    "band_count": "2",
    "band-0-label": "Urgent",
    "band-0-colour": "#b42318",
    "band-0-description": "Answer today",
    "band-0-min": "0.7",
    "band-1-label": "Can wait",
    "band-1-colour": "#6b7686",
    "band-1-description": "",
}
