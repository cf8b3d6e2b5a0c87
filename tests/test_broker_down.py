"""With Redis stopped, every page still renders and an action that queues a job says, within
5 s, that it could not start and stored nothing. And no task can outlive Redis's visibility
timeout (a message redelivered while its task still runs would start the job twice).

The pages are served by a real gunicorn whose REDIS_URL points at a port where nothing listens,
against the test database, so nothing here is patched: what a user would see is what is tested.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import Notification
from api.models import IdempotencyRecord
from api.services import api_token_create
from config.celery import app
from config.jobs import QUEUE_DOWN
from demos import tasks
from demos.models import Dataset, Example, Feedback, JobStatus, UploadJob
from demos.services import demo_create, share_link_create
from demos.services.processing import Columns
from demos.services.uploads import save_upload
from tests.factories import make_dataset

from .own_redis import closed_port_url, free_port, hung_redis

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = QUEUE_DOWN.format(what="upload")
CSV = b"id,score,title\nt1,0.91,Printer on fire\nt2,0.12,Newsletter\n"


# Time limits against the visibility timeout ---------------------------------------------------


def test_every_task_has_a_time_limit_within_the_visibility_timeout():
    app.loader.import_default_modules()  # the tasks of every installed app, as a worker has
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert {"demos.tasks.process_upload", "lifecycle.tasks.send_overdue_stage_reminders"} <= {
        task.name for task in ours
    }
    for task in app.tasks.values():
        hard = task.time_limit or app.conf.task_time_limit
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        assert hard, f"{task.name} has no time limit: set time_limit (and soft_time_limit)"
        assert soft and soft < hard, f"{task.name}: the soft limit must come before the hard one"
        assert hard < visibility, (
            f"{task.name} may run {hard} s, longer than Redis's visibility timeout "
            f"({visibility} s): it would be delivered again while still running"
        )


def test_the_upload_task_acknowledges_late_and_stops_softly_first():
    task = tasks.process_upload
    assert task.acks_late is True
    assert task.soft_time_limit < task.time_limit
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.django_db(transaction=True)
def test_an_upload_stopped_by_its_soft_time_limit_says_so(
    demo, owner, settings, monkeypatch, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(tasks.process_upload, "apply_async", lambda *args, **options: None)
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("outputs.csv", CSV),
        model_version="v2",
        columns=Columns(id="id", score="score", classes=[], display=["title"]),
        by=owner,
    )

    def too_long(job_id):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(tasks, "upload_process", too_long)
    with pytest.raises(SoftTimeLimitExceeded):
        tasks.process_upload.run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED  # not "running" for ever
    assert "not in your file" in job.error
    assert not job.file


# Pages and uploads served by a web process whose Redis is down --------------------------------


@pytest.fixture(scope="session")
def web_without_redis(django_db_setup, django_db_blocker, tmp_path_factory):
    """A gunicorn serving the test database, with REDIS_URL at a closed port."""
    with django_db_blocker.unblock():
        test_database = connection.settings_dict["NAME"]
    media = tmp_path_factory.mktemp("media-broker-down")
    port = free_port()
    env = {
        **os.environ,
        "WAYPOINT_DEV": "1",
        "DEBUG": "false",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{test_database}",
        "REDIS_URL": closed_port_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(media),
        "CONN_MAX_AGE": "0",  # the test flushes the database between tests
    }
    server = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            # The first request loads the whole app: slow on a busy machine, so wait for it.
            requests.get(f"{base}/healthz", timeout=(1, 120))
            break
        except requests.ConnectionError:
            assert server.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start within 30 s"
            time.sleep(0.1)
    yield base, media
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture
def down(web_without_redis, transactional_db):
    return web_without_redis


@pytest.fixture
def demo(project, owner):
    demo = demo_create(project=project, title="Which tickets are urgent?", by=owner)
    make_dataset(demo, [0.91, 0.55, 0.12])
    return demo


def signed_in(user) -> requests.Session:
    """A browser session of `user`, signed in through the shared session table."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return session


def demo_path(demo, rest: str = "") -> str:
    return f"/projects/{demo.project.slug}/demos/{demo.pk}/{rest}"


def stored(media: Path) -> tuple:
    files = sorted(p for p in media.rglob("*") if p.is_file())
    return UploadJob.objects.count(), Dataset.objects.count(), Example.objects.count(), files


def test_healthz_says_the_broker_is_down(down):
    base, _ = down
    response = requests.get(f"{base}/healthz", timeout=10)

    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_every_page_renders_with_redis_down(down, demo, owner, manager):
    base, _ = down
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("old.csv", CSV),
        model_version="v0",
        columns=Columns(id="id", score="score", classes=[], display=["title"]),
        by=owner,
        queue=False,
    )
    link = share_link_create(demo=demo, by=owner)
    browser = signed_in(owner)
    pages = [
        "/",
        f"/projects/{demo.project.slug}/",
        demo_path(demo),
        demo_path(demo, f"jobs/{job.pk}/"),
        demo_path(demo, "view/"),
    ]
    for path in pages:
        response = browser.get(base + path, timeout=10, allow_redirects=False)
        assert response.status_code == 200, path
    assert signed_in(manager).get(f"{base}/portfolio/", timeout=10).status_code == 200
    shared = requests.get(base + link.get_absolute_url(), timeout=10)
    assert shared.status_code == 200
    assert "Printer" in shared.text or "Ticket 1" in shared.text


def _page_upload(browser, base, demo, headers=None):
    page = browser.get(base + demo_path(demo), timeout=10)
    token = browser.cookies["csrftoken"]
    assert page.status_code == 200
    started = time.monotonic()
    response = browser.post(
        base + demo_path(demo, "uploads/"),
        data={"csrfmiddlewaretoken": token, "model_version": "v2", "id_column": "id",
              "score_column": "score", "display_columns": "title"},
        files={"file": ("outputs.csv", CSV, "text/csv")},
        headers=headers or {},
        timeout=30,
        allow_redirects=False,
    )  # fmt: skip
    return response, time.monotonic() - started


def test_an_upload_from_the_demo_page_says_why_it_did_not_start(down, demo, owner):
    base, media = down
    before = stored(media)

    response, took = _page_upload(signed_in(owner), base, demo)

    assert took < 5
    assert response.status_code == 503
    assert MESSAGE.replace("'", "&#x27;") in response.text
    assert '<div class="form-errors" role="alert">' in response.text
    assert stored(media) == before  # no job, no dataset, no rows, no file


def test_an_htmx_upload_gets_the_uploads_part_with_the_message(down, demo, owner):
    base, media = down
    before = stored(media)

    response, took = _page_upload(signed_in(owner), base, demo, headers={"HX-Request": "true"})

    assert took < 5
    assert response.status_code == 503
    assert response.text.lstrip().startswith('<section id="uploads"')
    assert MESSAGE.replace("'", "&#x27;") in response.text
    assert stored(media) == before


@pytest.mark.parametrize("key", [None, "retry-me-later"], ids=["plain", "idempotency-key"])
def test_an_api_upload_answers_503_with_what_to_do(down, demo, owner, key):
    base, media = down
    _, secret = api_token_create(user=owner, name="training script")
    headers = {"Authorization": f"Bearer {secret}", **({"Idempotency-Key": key} if key else {})}
    before = stored(media)

    started = time.monotonic()
    response = requests.post(
        f"{base}/api/v1/demos/{demo.pk}/datasets",
        data={"model_version": "v2"},
        files={"file": ("outputs.csv", CSV, "text/csv")},
        headers=headers,
        timeout=30,
    )
    took = time.monotonic() - started

    assert took < 5
    assert response.status_code == 503
    assert response.json() == {"detail": MESSAGE}
    assert response.headers["Retry-After"] == "60"
    assert stored(media) == before
    assert not IdempotencyRecord.objects.exists()  # the same key works once Redis is back


@pytest.mark.django_db(transaction=True)
def test_an_upload_with_redis_hung_answers_within_5_s(client, demo, owner, settings, tmp_path):
    """Redis accepts the connection and never answers: the check's timeout ends the wait."""
    settings.MEDIA_ROOT = tmp_path / "media"
    app.conf.task_always_eager = False
    client.force_login(owner)
    before = stored(tmp_path)

    with hung_redis() as url:
        settings.REDIS_URL = url
        started = time.monotonic()
        response = client.post(
            demo_path(demo, "uploads/"),
            {"model_version": "v2", "id_column": "id", "score_column": "score",
             "file": SimpleUploadedFile("outputs.csv", CSV)},
        )  # fmt: skip
        took = time.monotonic() - started

    assert took < 5
    assert response.status_code == 503
    assert MESSAGE in response.context["upload_form"].non_field_errors()
    assert stored(tmp_path) == before


# A publish that fails after the check passed --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_publish_that_fails_after_all_marks_the_job_failed(
    demo, owner, settings, monkeypatch, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    app.conf.task_always_eager = False  # as with a worker: the ping of the real Redis passes

    def broker_gone(*args, **options):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.process_upload, "apply_async", broker_gone)
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("outputs.csv", CSV),
        model_version="v2",
        columns=Columns(id="id", score="score", classes=[], display=["title"]),
        by=owner,
    )

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED  # not "queued" for ever
    assert job.error == MESSAGE
    assert not job.file
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.csv"))
    assert Dataset.objects.filter(model_version="v2").count() == 0


def test_the_container_probe_fails_while_redis_is_down(down):
    base, _ = down
    probe = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, str(ROOT / "scripts" / "healthcheck.py")],
        env={**os.environ, "HEALTHCHECK_PORT": base.rsplit(":", 1)[1], "ALLOWED_HOSTS": ""},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert probe.returncode == 1
    assert '"broker": {"ok": false' in probe.stdout


def test_stakeholder_feedback_is_kept_and_told_in_app_with_redis_down(down, demo, owner):
    """Only the email waits on the broker: the judgement and the bell do not."""
    base, _ = down
    link = share_link_create(demo=demo, viewer_name="Head of support", by=owner)
    example = demo.datasets.get().examples.order_by("row").first()
    session = requests.Session()
    page = session.get(base + link.get_absolute_url(), timeout=10)
    token = session.cookies.get(settings.CSRF_COOKIE_NAME) or page.cookies.get(
        settings.CSRF_COOKIE_NAME
    )
    started = time.monotonic()
    response = session.post(
        f"{base}/d/{link.token}/examples/{example.pk}/feedback/",
        data={"verdict": "disagree", "comment": "Not urgent", "csrfmiddlewaretoken": token},
        headers={"Referer": base + link.get_absolute_url()},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    assert time.monotonic() - started < 5
    assert Feedback.objects.get().comment == "Not urgent"
    assert Notification.objects.get(user=owner).kind == "feedback"


def test_readings_are_stored_and_rolled_up_in_process_with_redis_down(down, demo, owner):
    """The hourly rollups' task cannot be queued: the readings are kept and rolled up here."""
    from lifecycle.models import Reading, ReadingHour
    from lifecycle.selectors import rollups
    from tests.factories import add_criterion

    base, _ = down
    criterion = add_criterion(demo.project, owner, name="Precision")
    _, secret = api_token_create(user=owner, name="training script")
    started = time.monotonic()
    response = requests.post(
        f"{base}/api/v1/projects/{demo.project.slug}/readings",
        json={"readings": [{"criterion": "Precision", "value": 0.8 + i / 100} for i in range(5)]},
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    assert response.status_code in (200, 201), response.text
    assert time.monotonic() - started < 5
    assert Reading.objects.filter(criterion=criterion).count() == 5
    assert ReadingHour.objects.filter(criterion=criterion).get().readings == 5
    assert rollups.pending(demo.project.pk) == {}
