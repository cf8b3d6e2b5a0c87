"""The monitoring pass on 2,000 monitored projects with 5 watched series each, in-process
(`python -m bench.monitoring_probe`, run by bench/sections/monitoring.py with
DJANGO_SETTINGS_MODULE=bench.settings and DATABASE_URL set; any database Django supports).

Adds the projects in bulk to the database it is given (a copy of the bench snapshot), each with
5 criteria watched daily, 10 daily production readings per criterion and a retraining plan, of
which 10 % have gone quiet, 5 % breach their threshold and 10 % are overdue for retraining. Then
times three passes: the first (opens the alerts), a steady one (the same conditions: updates
only) and one after the quiet feeds resumed (resolves). Prints one JSON object on its last
stdout line: seconds and queries of each pass, and what the portfolio held.
"""

import datetime
import json
import sys
import time

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Team, User  # noqa: E402
from lifecycle.models import (  # noqa: E402
    Alert,
    MonitoringPlan,
    Project,
    Reading,
    SuccessCriterion,
    WatchedSeries,
)
from lifecycle.services.monitoring import monitoring_run  # noqa: E402

SERIES = 5
READINGS = 10


def build(projects: int, now: datetime.datetime) -> dict:
    owner, _ = User.objects.get_or_create(username="monitoring-bench")
    team, _ = Team.objects.get_or_create(slug="monitoring-bench", name="Monitoring bench")
    Membership.objects.get_or_create(team=team, user=owner, role="owner")
    rows = Project.objects.bulk_create(
        Project(
            team=team,
            owner=owner,
            name=f"Monitored model {n:04d}",
            slug=f"monitored-model-{n:04d}",
            status="shipped",
            stage="monitoring",
        )
        for n in range(projects)
    )
    criteria = SuccessCriterion.objects.bulk_create(
        SuccessCriterion(
            project=project,
            name=f"Metric {k}",
            kind="business",
            metric="share right",
            unit="%",
            baseline=60,
            target=80,
            direction="higher",
            position=k,
        )
        for project in rows
        for k in range(SERIES)
    )
    WatchedSeries.objects.bulk_create(
        WatchedSeries(
            project_id=c.project_id,
            criterion=c,
            expected_every_hours=24,
            alert_threshold=70,
            watched_since=now - datetime.timedelta(days=30),
        )
        for c in criteria
    )
    quiet = {p.pk for n, p in enumerate(rows) if n % 10 == 0}
    breach = {p.pk for n, p in enumerate(rows) if n % 20 == 1}
    readings = []
    for c in criteria:
        last = now - datetime.timedelta(days=3 if c.project_id in quiet else 0, hours=2)
        for day in range(READINGS):
            value = 65.0 if c.project_id in breach and c.position == 0 and day == 0 else 75.0
            readings.append(
                Reading(
                    criterion=c,
                    project_id=c.project_id,
                    value=value,
                    at=last - datetime.timedelta(days=day),
                    source="production",
                )
            )
    Reading.objects.bulk_create(readings, batch_size=5000)
    today = timezone.localdate(now)
    MonitoringPlan.objects.bulk_create(
        MonitoringPlan(
            project=p,
            model_version="v1",
            trained_on=today - datetime.timedelta(days=120 if n % 10 == 5 else 10),
            retrain_every_days=90,
        )
        for n, p in enumerate(rows)
    )
    return {
        "projects": projects,
        "series": len(criteria),
        "readings": len(readings),
        "quiet": quiet,
    }


def timed_pass(at: datetime.datetime) -> dict:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = monitoring_run(at=at, tell=False)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "queries": len(queries),
        "opened": result.opened,
        "updated": result.updated,
        "resolved": result.resolved,
        "projects_checked": result.projects,
    }


def main(projects: int) -> dict:
    now = timezone.now()
    started = time.perf_counter()
    built = build(projects, now)
    quiet = built.pop("quiet")
    built["build_seconds"] = round(time.perf_counter() - started, 1)
    first = timed_pass(now)
    steady = timed_pass(now + datetime.timedelta(minutes=15))
    Reading.objects.bulk_create(
        Reading(
            criterion=s.criterion, project_id=s.project_id, value=75, at=now, source="production"
        )
        for s in WatchedSeries.objects.filter(project_id__in=quiet).select_related("criterion")
    )
    recovered = timed_pass(now + datetime.timedelta(minutes=30))
    return {
        "vendor": connection.vendor,
        **built,
        "first": first,
        "steady": steady,
        "recovered": recovered,
        "unresolved_after": Alert.objects.unresolved().count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)))
