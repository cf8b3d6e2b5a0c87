"""The backup section's demo: a ready dataset of ROWS examples (id, score, a title and a text
shown, ~90 bytes of JSON each) added to the database DATABASE_URL names, stored through the
upload's own path (demos/storing.py). Prints one JSON object on its last stdout line.

    python -m bench.backup_probe [--rows N]
"""

import argparse
import json
import sys
import time

import django

django.setup()

import numpy as np  # noqa: E402
from demos.storing import insert_order, store_examples  # noqa: E402

from accounts.models import Membership, Role, Team, User  # noqa: E402
from demos.models import Dataset  # noqa: E402
from demos.services import demo_create  # noqa: E402
from lifecycle import services as lifecycle_services  # noqa: E402

ROWS = 1_000_000
SEED = 13
WORDS = [
    "refund",
    "late",
    "delivery",
    "address",
    "change",
    "double",
    "charge",
    "cancellation",
    "login",
    "problem",
    "damaged",
    "item",
    "missing",
    "receipt",
    "upgrade",
    "question",
    "wrong",
    "size",
    "order",
    "invoice",
    "parcel",
    "account",
    "booking",
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=ROWS)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(SEED)
    user, _ = User.objects.get_or_create(username="bench-backup")
    team, _ = Team.objects.get_or_create(slug="bench-backup", defaults={"name": "Bench backup"})
    Membership.objects.get_or_create(team=team, user=user, defaults={"role": Role.OWNER})
    project = lifecycle_services.project_create(
        team=team, name="Bench backup", summary="A million-row demo.", owner=user, by=user
    )
    demo = demo_create(project=project, title="Ticket routing, a million tickets", by=user)
    dataset = Dataset.objects.create(demo=demo, model_version="v1", scale=demo.scale)
    scores = rng.beta(2, 2, args.rows)
    words = rng.integers(0, len(WORDS), size=(args.rows, 6))
    order = insert_order(scores)

    def values(start: int, stop: int) -> dict:
        rows = order[start:stop]
        return {
            "row": (rows + 2).tolist(),
            "external_id": [f"t{i}" for i in rows.tolist()],
            "score": scores[rows].tolist(),
            "top_class": [""] * len(rows),
            "fields": [
                json.dumps({"title": f"Ticket {i}", "text": " ".join(WORDS[w] for w in words[i])})
                for i in rows.tolist()
            ],
        }

    t0 = time.perf_counter()
    texts = [""] * args.rows  # SQLite indexes these; PostgreSQL indexes the stored fields itself
    store_examples(dataset.pk, texts, values, lambda stored: None)
    Dataset.objects.filter(pk=dataset.pk).update(ready=True, row_count=args.rows)
    print(json.dumps({"rows": args.rows, "store_s": round(time.perf_counter() - t0, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
