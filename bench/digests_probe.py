"""Building the week's digests at scale (`python -m bench.digests_probe`, run by
bench/sections/digests.py on a copy of the bench snapshot, DJANGO_SETTINGS_MODULE=bench.settings).

Adds 2,000 projects in 20 teams of 25 people (500 people with an email, 20 of them managers),
two weeks of log per project (a likelihood drop on every tenth), one stakeholder per project and
an open alert on every twentieth; then times digests_for_week plus rendering every digest
(subject, text, HTML), as the worker does before sending. Prints one JSON object on its last
stdout line: seconds of CPU ("worker time") and of wall clock, queries, digests by kind.
"""

import datetime
import json
import time

import django

django.setup()

from django.contrib.auth.models import Permission  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Membership, Team, User  # noqa: E402
from lifecycle.models import Alert, DigestSubscriber, Project, Timebox  # noqa: E402
from lifecycle.selectors.digests import digest_week, digests_for_week  # noqa: E402
from lifecycle.services.digests import digest_render  # noqa: E402

PROJECTS, PEOPLE, TEAMS, MANAGERS = 2000, 500, 20, 20


def seed(week: datetime.date) -> None:
    teams = Team.objects.bulk_create(
        Team(name=f"Digest team {n}", slug=f"digest-team-{n}") for n in range(TEAMS)
    )
    people = User.objects.bulk_create(
        User(username=f"digest{n}", email=f"digest{n}@example.com") for n in range(PEOPLE)
    )
    Membership.objects.bulk_create(
        Membership(team=teams[n % TEAMS], user=person, role=("owner", "editor", "viewer")[n % 3])
        for n, person in enumerate(people)
    )
    manage = Permission.objects.get(codename="view_all_projects")
    for person in people[:MANAGERS]:
        person.user_permissions.add(manage)
    projects = Project.objects.bulk_create(
        Project(
            team=teams[n % TEAMS],
            name=f"Digest project {n:04}",
            slug=f"digest-project-{n:04}",
            owner=people[n % PEOPLE],
        )
        for n in range(PROJECTS)
    )
    previous = week - datetime.timedelta(days=7)
    Timebox.objects.bulk_create(
        Timebox(project=p, week_start=start, likelihood=value, likelihood_reason="Bench")
        for n, p in enumerate(projects)
        for start, value in ((previous, 70), (week, 50 if n % 10 == 0 else 68))
        if start == previous or n % 7 != 0  # every seventh has no log this week
    )
    DigestSubscriber.objects.bulk_create(
        DigestSubscriber(project=p, email=f"stakeholder{n}@client.example", name=f"S {n}")
        for n, p in enumerate(projects)
    )
    Alert.objects.bulk_create(
        Alert(project=p, kind="quiet", subject=f"bench-{p.pk}", title="No reading for 3 days")
        for p in projects[::20]
    )


def main() -> dict:
    week = digest_week(datetime.datetime.now(datetime.UTC))
    seed(week)
    cpu, wall = time.process_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        digests = digests_for_week(week=week)
        size = sum(len(text) + len(html) for _, text, html in map(digest_render, digests))
    kinds: dict[str, int] = {}
    for digest in digests:
        kinds[digest.kind] = kinds.get(digest.kind, 0) + 1
    return {
        "projects": Project.objects.count(),
        "people": User.objects.exclude(email="").count(),
        "digests": kinds,
        "worker_cpu_s": round(time.process_time() - cpu, 2),
        "wall_s": round(time.perf_counter() - wall, 2),
        "queries": len(queries),
        "rendered_mb": round(size / 1e6, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
