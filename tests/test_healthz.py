"""/healthz: the database and the broker, for probes; no login, nothing sensitive in it."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .own_redis import closed_port_url, hung_redis, own_redis

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def anonymous(client):
    return client


@pytest.mark.django_db
def test_healthz_is_200_with_the_database_and_redis_up(anonymous, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True and body["database"]["ms"] >= 0
    assert body["broker"]["ok"] is True and body["broker"]["ms"] >= 0


@pytest.mark.django_db
def test_healthz_is_503_once_redis_stops(anonymous, settings):
    with own_redis() as redis:
        settings.REDIS_URL = redis.url
        assert anonymous.get("/healthz").status_code == 200
        redis.stop()

        started = time.monotonic()
        response = anonymous.get("/healthz")
        took = time.monotonic() - started

    assert response.status_code == 503
    assert took < 2
    body = response.json()
    assert body["status"] == "error"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": False, "error": "not reachable (ConnectionError)"}


@pytest.mark.django_db
def test_healthz_gives_up_on_a_hung_redis_within_its_timeout(anonymous, settings):
    with hung_redis() as url:
        settings.REDIS_URL = url
        started = time.monotonic()
        response = anonymous.get("/healthz")
        took = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "error": "no answer within 1 s"}
    assert took < settings.BROKER_PING_TIMEOUT + 0.5


@pytest.mark.django_db
def test_healthz_names_no_address_or_password(anonymous, settings):
    url = closed_port_url().replace("redis://", "redis://:hunter2-secret@")
    settings.REDIS_URL = url

    response = anonymous.get("/healthz")

    text = response.content.decode()
    assert response.status_code == 503
    for secret in ("hunter2", "127.0.0.1", url.rsplit(":", 1)[1].split("/")[0], "redis://"):
        assert secret not in text


@pytest.mark.django_db
def test_healthz_without_redis_reports_in_process_jobs(anonymous, settings):
    settings.REDIS_URL = ""

    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"] == {"ok": True, "mode": "in-process"}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_a_signed_in_user_sees_the_same(client, owner):
    anonymous_body = client.get("/healthz").json()
    client.force_login(owner)
    signed_in = client.get("/healthz")

    assert signed_in.status_code == 200
    assert set(signed_in.json()) == set(anonymous_body) == {"status", "database", "broker"}


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https_but_pages_are(anonymous, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
def test_healthz_only_reads(anonymous):
    assert anonymous.head("/healthz").status_code == 200
    assert anonymous.post("/healthz").status_code == 405


def healthz_in_a_process(database_url: str) -> dict:
    """/healthz answered by a fresh process whose DATABASE_URL is `database_url`: its status,
    how long it took and its body."""
    env = {**os.environ, "WAYPOINT_DEV": "1", "DATABASE_URL": database_url}
    probe = (
        "import django, json, time; django.setup(); from django.test import Client; "
        "t = time.monotonic(); r = Client().get('/healthz', HTTP_HOST='localhost'); "
        "print(json.dumps({'status': r.status_code, 'took': time.monotonic() - t, "
        "'body': r.json()}))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_is_503_when_the_database_is_down():
    """A process whose DATABASE_URL points at a PostgreSQL that is not running."""
    answer = healthz_in_a_process(closed_port_url().replace("redis://", "postgres://u@") + "x")

    assert answer["status"] == 503
    assert answer["body"]["database"] == {"ok": False, "error": "not reachable (OperationalError)"}
    assert answer["body"]["broker"]["ok"] is True


def test_healthz_gives_up_on_a_database_that_never_answers():
    """A PostgreSQL address that accepts the connection and then says nothing (a hung host):
    the connect timeout (DATABASE_CONNECT_TIMEOUT, 2 s) bounds the probe's wait."""
    with hung_redis() as url:  # a listener that accepts and never answers
        answer = healthz_in_a_process(url.replace("redis://", "postgres://u@") + "x")

    assert answer["status"] == 503
    assert answer["body"]["database"]["ok"] is False
    assert answer["took"] < 4


def run_probe(port: int, **env) -> subprocess.CompletedProcess:
    """The container's HEALTHCHECK command (scripts/healthcheck.py) against 127.0.0.1:port."""
    stripped = {k: v for k, v in os.environ.items() if k != "ALLOWED_HOSTS"}
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, str(ROOT / "scripts" / "healthcheck.py")],
        env={**stripped, "HEALTHCHECK_PORT": str(port), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.django_db(transaction=True)
def test_the_container_probe_passes_when_healthz_is_200(live_server, settings):
    settings.ALLOWED_HOSTS = ["waypoint.example.com"]
    port = live_server.thread.port

    passed = run_probe(port, ALLOWED_HOSTS="waypoint.example.com,.example.org")
    wrong_host = run_probe(port, ALLOWED_HOSTS="elsewhere.example.net")

    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert json.loads(passed.stdout)["status"] == "ok"
    assert wrong_host.returncode == 1  # Django's 400 for a Host it does not allow
