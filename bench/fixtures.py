"""Bench fixtures in the freshly seeded database: a "Bench" team and user, the projects the bench
writes to (with their success criteria), and the demo project whose pages are timed.

Run by the orchestrator as `python -m bench.fixtures` (DJANGO_SETTINGS_MODULE=bench.settings and
DATABASE_URL set); prints one JSON object on its last stdout line.
"""

import json

import django

django.setup()

from django.db.models import Count  # noqa: E402

from accounts.models import Membership, Role, Team, User  # noqa: E402
from api.services import api_token_create  # noqa: E402
from devdata.portfolio import DEMO_PASSWORD  # noqa: E402
from lifecycle import services  # noqa: E402
from lifecycle.access import readable_projects  # noqa: E402
from lifecycle.models import CriterionKind, Direction, Project, SuccessCriterion  # noqa: E402

BENCH_USER = "bench"
PAGE_USER = "dana"  # a demo team member: the project page and project read are timed as her

# (project name, [(criterion, kind, direction, baseline, target)])
API_CRITERIA = [
    ("accuracy", CriterionKind.MODEL, Direction.HIGHER, 0.71, 0.85),
    ("recall@10", CriterionKind.MODEL, Direction.HIGHER, 0.40, 0.60),
    ("p95 latency", CriterionKind.MODEL, Direction.LOWER, 180.0, 100.0),
    ("weekly saves", CriterionKind.BUSINESS, Direction.HIGHER, 1200.0, 1500.0),
]
# The MLflow harness's metric keys become criteria of the peer projects.
PEER_CRITERIA = [
    (name, CriterionKind.MODEL, Direction.LOWER, 1.0, 0.1)
    for name in ("metric_0", "metric_1", "metric_2", "loss")
]
PROJECTS = {
    "api": ("Bench API", API_CRITERIA),
    "peer_main": ("Bench peer main", PEER_CRITERIA),
    "peer_throughput": ("Bench peer throughput", PEER_CRITERIA),
}


def main() -> None:
    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"first_name": "Bench", "last_name": "Client"}
    )
    user.set_password(DEMO_PASSWORD)  # a throwaway database: the bench logs in to time pages
    user.save()
    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    Membership.objects.update_or_create(team=team, user=user, defaults={"role": Role.OWNER})

    slugs = {}
    for key, (name, criteria) in PROJECTS.items():
        project = Project.objects.filter(team=team, name=name).first()
        if project is None:
            project = services.project_create(
                team=team, name=name, summary="Written to by make bench.", owner=user, by=user
            )
        for position, (cname, kind, direction, baseline, target) in enumerate(criteria):
            SuccessCriterion.objects.get_or_create(
                project=project,
                name=cname,
                defaults={
                    "kind": kind,
                    "metric": cname,
                    "direction": direction,
                    "baseline": baseline,
                    "target": target,
                    "position": position,
                },
            )
        slugs[key] = project.slug

    # The page timed is the demo project with the most content that the page user can read.
    page_user = User.objects.get(username=PAGE_USER)
    demo = (
        readable_projects(page_user)
        .exclude(team=team)
        .annotate(
            n=Count("experiments", distinct=True)
            + Count("criteria", distinct=True)
            + Count("risks", distinct=True)
            + Count("events", distinct=True)
        )
        .order_by("-n", "slug")
        .first()
    )
    tokens = {
        username: api_token_create(user=User.objects.get(username=username), name="make bench")[1]
        for username in (BENCH_USER, PAGE_USER)
    }
    print(
        json.dumps(
            {
                "tokens": tokens,
                "bench_user": BENCH_USER,
                "page_user": PAGE_USER,
                "projects": slugs,
                "demo_project": demo.slug,
                "demo_project_rows": demo.n,
                "portfolio_projects": Project.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main()
