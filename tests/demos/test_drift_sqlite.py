"""PSI on SQLite, the embedded default: the same plain Django reads (OFFSET into the ordered
index, range counts) give the numpy computation's figure. Run in a subprocess on a fresh SQLite
file, as the suite's own database is PostgreSQL."""

import json

import numpy as np
import pytest

from tests.demos.test_drift import numpy_psi
from tests.sqlite_process import manage_on_sqlite

SCRIPT = """
import json
import numpy as np
from tests.factories import make_project, make_team, make_user
from demos.models import Dataset, Example
from demos.selectors.drift import psi
from demos.services import demo_create
from demos.services.live import dataset_mark_live

owner = make_user("olivia")
project = make_project(make_team("Growth", members={owner: "owner"}), owner)
demo = demo_create(project=project, title="Which tickets are urgent?", by=owner)
rng = np.random.default_rng(3)
cases = {
    "shifted": (rng.beta(2, 5, 3000), rng.beta(5, 2, 2000)),
    "ties": (np.round(rng.beta(2, 2, 3000), 1), np.round(rng.beta(3, 2, 2000), 1)),
}


def store(version, scores):
    dataset = Dataset.objects.create(
        demo=demo, model_version=version, ready=True, scale=demo.scale, row_count=len(scores)
    )
    Example.objects.bulk_create(
        Example(dataset=dataset, row=i, external_id=f"x{i}", score=float(s), fields={})
        for i, s in enumerate(scores)
    )
    return dataset


results = {}
for name, (a, b) in cases.items():
    reference, live = store(name + "-ref", a), store(name + "-live", b)
    results[name] = {
        "psi": psi(reference, live).value,
        "stored": dataset_mark_live(dataset=live, reference=reference).drift_psi,
        "reference": a.tolist(),
        "live": b.tolist(),
    }
print(json.dumps(results))
"""


def test_psi_on_sqlite_matches_numpy(tmp_path):
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    results = json.loads(manage_on_sqlite(database, "shell", "-c", SCRIPT).strip().splitlines()[-1])
    assert set(results) == {"shifted", "ties"}
    for case in results.values():
        expected, _ = numpy_psi(np.array(case["reference"]), np.array(case["live"]))
        assert case["psi"] == pytest.approx(expected, abs=1e-4)
        assert case["stored"] == case["psi"]
