"""The pages section's setup, in-process on the database DATABASE_URL names (a copy of the cached
2,000-project portfolio): a demo of ROWS examples (id, score, a title and a text shown) in the
demo project with the most readings, stored through the upload's own path
(demos/services/storing.py), a share link to it, and the address of each page the section loads.
Prints one JSON object on its last stdout line.

    python -m bench.pages_probe [--rows N]
"""

import argparse
import json
import sys
import time

import django

django.setup()

import numpy as np  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from demos.models import Dataset  # noqa: E402
from demos.services import demo_create, share_link_create  # noqa: E402
from demos.services.storing import insert_order, store_examples  # noqa: E402
from lifecycle.access import readable_projects  # noqa: E402

from .sections.demos import SUBJECTS, TOPICS  # noqa: E402  (the demos section's vocabulary)

ROWS = 1_000_000
SEED = 17
OWNER = "dana"  # a demo team's owner: the demo is hers, as a team's demo would be
READER = "manager"  # reads every project of every team (the board at 2,000 projects)


def store_demo(project, owner: User, rows: int) -> tuple[int, int, float]:
    """A ready dataset of `rows` examples in a new demo of `project`: (demo id, dataset id, s)."""
    rng = np.random.default_rng(SEED)
    demo = demo_create(
        project=project,
        title="Support tickets: urgent or not (a million)",
        intro="Each ticket with the model's score. Say whether you agree.",
        by=owner,
    )
    assert demo.scale is not None
    dataset = Dataset.objects.create(
        demo=demo,
        model_version="bench-pages",
        display_columns=["title", "text"],
        scale=demo.scale,
        created_by=owner,
    )
    scores = rng.beta(2, 2, rows)
    subjects = rng.integers(0, len(SUBJECTS), rows)
    topics = rng.integers(0, len(TOPICS), rows)
    order = insert_order(scores)

    def values(start: int, stop: int) -> dict:
        picked = order[start:stop].tolist()
        return {
            "row": [i + 2 for i in picked],
            "external_id": [f"t{i:07d}" for i in picked],
            "score": scores[picked].tolist(),
            "top_class": [""] * len(picked),
            "fields": [
                json.dumps(
                    {
                        "title": f"{SUBJECTS[subjects[i]]} {10000 + i}",
                        "text": f"Customer writes about a {TOPICS[topics[i]]}.",
                    }
                )
                for i in picked
            ],
        }

    t0 = time.perf_counter()
    store_examples(dataset.pk, rows, values, lambda stored: None)
    Dataset.objects.filter(pk=dataset.pk).update(ready=True, row_count=rows)
    return demo.pk, dataset.pk, round(time.perf_counter() - t0, 1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=ROWS)
    args = ap.parse_args(argv)
    owner = User.objects.get(username=OWNER)
    # The chart page: the owner's project with the most readings (its charts have lines).
    charted = (
        readable_projects(owner)
        .annotate(n=Count("readings"))
        .order_by("-n", "slug")
        .values_list("slug", "n")
        .first()
    )
    assert charted is not None, "seed_demo made no project with readings"
    slug, readings = charted
    project = readable_projects(owner).get(slug=slug)
    watched = (
        readable_projects(owner)
        .annotate(n=Count("watched_series"))
        .order_by("-n", "slug")
        .values_list("slug", "n")
        .first()
    )
    monitored = watched[0] if watched and watched[1] else slug
    demo_id, dataset_id, store_s = store_demo(project, owner, args.rows)
    link = share_link_create(demo=Dataset.objects.get(pk=dataset_id).demo, by=owner, days=30)
    print(
        json.dumps(
            {
                "reader": READER,
                "rows": args.rows,
                "store_s": store_s,
                "chart_project": slug,
                "chart_project_readings": readings,
                "monitoring_project": monitored,
                "projects": readable_projects(User.objects.get(username=READER)).count(),
                "paths": {
                    "login": reverse("login"),
                    "board": reverse("lifecycle:portfolio"),
                    "outcomes": reverse("lifecycle:portfolio_outcomes"),
                    "project": reverse("lifecycle:project_detail", args=[slug]),
                    "log": reverse("lifecycle:project_log", args=[slug]),
                    "monitoring": reverse("lifecycle:monitoring", args=[monitored]),
                    "demo": reverse("demos:demo_detail", args=[slug, demo_id]),
                    "share": link.get_absolute_url(),
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
