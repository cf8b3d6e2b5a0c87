"""Small factory functions for tests: explicit arguments, sensible defaults."""

import itertools

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
