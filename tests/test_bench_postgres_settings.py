"""Production's PostgreSQL (docker-compose.yml) runs with the settings `make bench` measured on
(scripts/with_services.py: DURABLE_SETTINGS), and those keep PostgreSQL durable."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from with_services import DURABLE_SETTINGS  # noqa: E402

ON_BY_DEFAULT = {"fsync", "synchronous_commit", "full_page_writes"}


def compose_postgres_settings() -> dict[str, str]:
    text = (ROOT / "docker-compose.yml").read_text()
    service = re.search(r"^  postgres:\n(.*?)(?=^  \S|^\S|\Z)", text, re.M | re.S)
    assert service, "docker-compose.yml has no postgres service"
    return dict(re.findall(r"^\s+- ([a-z_]+)=(\S+)", service.group(1), re.M))


def test_compose_runs_postgres_with_the_benchs_settings():
    tuned = {k: v for k, v in DURABLE_SETTINGS.items() if k not in ON_BY_DEFAULT}
    assert compose_postgres_settings() == tuned


def test_the_bench_measures_a_durable_server():
    assert {DURABLE_SETTINGS[k] for k in ON_BY_DEFAULT} == {"on"}
