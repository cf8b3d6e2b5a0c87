"""Waypoint's adapter for the shared MLflow peer harness, and the entry point that runs it.

The harness (`../shared/bench/peer_mlflow/bench_mlflow.py`) is imported as it is, never copied or
changed; `WaypointRest` is registered in its `ADAPTERS` at run time, and the harness's own `main()`
runs both targets, so both get the same client code, workload and summary keys:

    python -m bench.waypoint_adapter --target waypoint --base-url http://127.0.0.1:8001 \\
        --server-pid <gunicorn master pid> [--no-keepalive] [harness options]
    python -m bench.waypoint_adapter --target mlflow --base-url http://127.0.0.1:5055 ...

The Waypoint target reads from the environment: WAYPOINT_BENCH_TOKEN (an API token of a user who
edits the bench projects) and WAYPOINT_BENCH_PEER_PROJECTS (JSON: {"main": slug, "throughput":
slug}). The mapping of MLflow's calls to Waypoint's API is documented in bench/README.md.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import importlib.util
import json
import os
import re
import sys
from pathlib import Path
from types import ModuleType

import requests

HARNESS = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "peer_mlflow"
).joinpath("bench_mlflow.py")

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MS = datetime.timedelta(milliseconds=1)
# The harness's log-batch phase moves each batch 52 weeks further on, so its timestamps soon pass
# the years the API accepts (1900-2200). Such a timestamp is wrapped back by 200-year spans into
# 2000-2200; the value stored is unchanged.
_WRAP_AFTER_MS = (datetime.datetime(2200, 1, 1, tzinfo=datetime.UTC) - EPOCH) // _MS
_SPAN_MS = datetime.timedelta(days=73_048) // _MS  # about 200 years


def load_harness() -> ModuleType:
    if not HARNESS.exists():
        raise SystemExit(
            f"The MLflow peer harness is missing: {HARNESS}\n"
            "make bench compares against it in the same run; it lives in the shared folder "
            "beside the repository (../shared/bench/peer_mlflow/)."
        )
    spec = importlib.util.spec_from_file_location("bench_mlflow", HARNESS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_mlflow"] = module
    spec.loader.exec_module(module)
    return module


class WaypointHttpError(RuntimeError):
    pass


def iso(ts_ms: int) -> str:
    while ts_ms >= _WRAP_AFTER_MS:
        ts_ms -= _SPAN_MS
    return (EPOCH + ts_ms * _MS).isoformat().replace("+00:00", "Z")


def iso_week(ts_ms: int) -> str:
    year, week, _ = (EPOCH + datetime.timedelta(milliseconds=ts_ms)).isocalendar()
    return f"{year}-W{week:02d}"


class WaypointRest:
    """The harness's adapter interface on Waypoint's `/api/v1/` (token auth, JSON)."""

    name = "waypoint"

    def __init__(self, base_url: str, keepalive: bool = True):
        self.base = base_url.rstrip("/")
        self.api = self.base + "/api/v1"
        self.keepalive = keepalive
        self.token = os.environ["WAYPOINT_BENCH_TOKEN"]
        self.projects = json.loads(os.environ["WAYPOINT_BENCH_PEER_PROJECTS"])

    # -- plumbing
    def session(self) -> requests.Session:
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {self.token}"
        s.headers["Content-Type"] = "application/json"
        if not self.keepalive:
            s.headers["Connection"] = "close"
        return s

    def _post(self, s, path, body, expected=201):
        r = s.post(self.api + path, data=json.dumps(body))
        if r.status_code != expected:
            raise WaypointHttpError(f"POST {path} -> {r.status_code}: {r.text[:300]}")
        return r

    def _get(self, s, path, params=None):
        r = s.get(self.api + path, params=params)
        if r.status_code != 200:
            raise WaypointHttpError(f"GET {path} -> {r.status_code}: {r.text[:300]}")
        return r

    # -- lifecycle / meta
    def version(self, s):
        r = s.get(self.api + "/openapi.json")
        api = r.json().get("info", {}).get("version") if r.status_code == 200 else "?"
        versions = {p: importlib.metadata.version(p) for p in ("waypoint", "django", "gunicorn")}
        return (
            f"waypoint {versions['waypoint']} (API v{api}, Django {versions['django']}, "
            f"gunicorn {versions['gunicorn']})"
        )

    @staticmethod
    def classify_process(cmd: str) -> str:
        return "web"  # the gunicorn master and its workers; Waypoint has no job runner here

    # -- writes
    def create_experiment(self, s, name):
        """An MLflow experiment is a Waypoint project. The API does not create projects (people
        do, on the page), so the bench made two in setup; this reads the one the harness's name
        points at: one request, as MLflow's experiments/create is."""
        slug = self.projects["throughput" if "-throughput-" in name else "main"]
        self._get(s, f"/projects/{slug}")
        return slug

    def create_run(self, s, exp_id, run_name, start_time_ms, tags=None):
        """An MLflow run is an experiment in the week of its start time."""
        body = {
            "week": iso_week(start_time_ms),
            "title": run_name,
            "hypothesis": "Bench run.",
            "outcome": "inconclusive",
        }
        experiment = self._post(s, f"/projects/{exp_id}/experiments", body).json()
        return f"{exp_id}/{experiment['id']}"

    def log_batch(self, s, run_id, metrics, params=None, tags=None):
        """Metric points become readings of the criteria named by the keys, in one request.
        Waypoint has no run parameters or tags (an experiment's text says what was done), so
        they are not sent; MLflow's `step` has no counterpart either (a reading has a time)."""
        slug = run_id.split("/", 1)[0]
        readings = [{"criterion": k, "value": v, "at": iso(ts)} for k, v, ts, _step in metrics]
        self._post(s, f"/projects/{slug}/readings", {"readings": readings})

    def log_metric(self, s, run_id, key, value, ts_ms, step):
        slug = run_id.split("/", 1)[0]
        reading = {"criterion": key, "value": value, "at": iso(ts_ms)}
        self._post(s, f"/projects/{slug}/readings", {"readings": [reading]})

    # -- reads: (n_items, n_bytes). Waypoint's API lists neither a project's experiments nor a
    # criterion's reading history; the closest read is the project, with each criterion's latest
    # reading. These two rows are therefore not like for like (see bench/README.md).
    def search_runs(self, s, exp_id, max_results):
        r = self._get(s, f"/projects/{exp_id}")
        return len(r.json()["criteria"]), len(r.content)

    def get_metric_history(self, s, run_id, key):
        r = self._get(s, f"/projects/{run_id.split('/', 1)[0]}")
        return sum(1 for c in r.json()["criteria"] if c["name"] == key), len(r.content)

    def search_experiments(self, s):
        r = self._get(s, "/projects", {"limit": 200})
        return len(r.json()["items"]), len(r.content)

    # -- cheap endpoint for the transport check: a plain view behind the full middleware stack
    health_path = "/_bench/health"

    # -- UI: the login page is the one page a client without a session gets (the project page,
    # logged in, is timed by the api section of make bench).
    ui_root = "/accounts/login/"
    # No single "main" bundle: the harness then reports the largest script (htmx).
    main_bundle_pattern = re.compile(r"(?!)")


def main() -> None:
    harness = load_harness()
    harness.ADAPTERS[WaypointRest.name] = WaypointRest
    harness.main()


if __name__ == "__main__":
    main()
