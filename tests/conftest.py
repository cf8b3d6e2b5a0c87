import io
import os

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from .factories import add_criterion, make_project, make_team, make_user

# Browser fixtures (one Chromium per session) are shared by every folder that drives a page.
pytest_plugins = ["tests.browser_fixtures"]

REQUIRED_SERVICES = (
    "The test suite runs against PostgreSQL and Redis, which `make test` starts for the run "
    "(and installs with apt-get when missing). Run `make test`, or `make test ARGS='tests/x.py'` "
    "for a subset."
)


def pytest_configure(config):
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise pytest.UsageError(REQUIRED_SERVICES)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests only need passwords to match.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_bad_token_counts(settings):
    """The API's bad-token counts (api/throttle.py) live in the cache, which outlives a test.

    Tests that walk every endpoint with a wrong token would trip the production limit (5) part
    way; tests/api/test_throttle.py sets it back and proves the throttle."""
    from django.core.cache import cache

    cache.clear()
    settings.API_TOKEN_FAILURE_LIMIT = 1000


@pytest.fixture(autouse=True)
def chores_run_every_time(settings):
    """In-process chores run at most every few seconds in a server; tests want each one now."""
    settings.CHORES_IN_PROCESS_EVERY = 0


@pytest.fixture
def owner(db):
    return make_user("olivia", first_name="Olivia", last_name="Owner")


@pytest.fixture
def editor(db):
    return make_user("eddie", first_name="Eddie", last_name="Editor")


@pytest.fixture
def viewer(db):
    return make_user("vera", first_name="Vera", last_name="Viewer")


@pytest.fixture
def outsider(db):
    return make_user("otto", first_name="Otto", last_name="Outsider")


@pytest.fixture
def manager(db):
    user = make_user("maya", first_name="Maya", last_name="Manager")
    group, _ = Group.objects.get_or_create(name="Portfolio managers")
    group.permissions.add(Permission.objects.get(codename="view_all_projects"))
    user.groups.add(group)
    return user


@pytest.fixture
def team(owner, editor, viewer):
    return make_team("Growth", members={owner: "owner", editor: "editor", viewer: "viewer"})


@pytest.fixture
def project(team, owner):
    return make_project(team, owner, name="Churn prediction")


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Unit tests run Celery tasks eagerly; tests/test_worker.py uses a real worker instead."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def recall(project, owner):
    return add_criterion(
        project,
        owner,
        name="Recall",
        kind="model",
        metric="recall@10",
        unit="",
        baseline=0.4,
        target=0.6,
        direction="higher",
    )


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo portfolio (seed_demo), seeded once per test module that asks for it and rolled
    back after the module's last test. Seeding goes through the services and takes a few
    seconds; each test still runs in its own savepoint on top of it."""
    fast_hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEV=True, PASSWORD_HASHERS=fast_hasher, MEDIA_ROOT=tmp_path_factory.mktemp("media")
        ),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
