"""Uploading live traffic: an upload that names the model version serving it (`live_of`) is
marked as its live traffic, with its drift, when the job succeeds; an unknown version is refused
before anything is stored; a version that changed meanwhile leaves the rows stored and a warning."""

import json
import re

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demos.models import Dataset, Example, JobLiveState, JobStatus, UploadJob
from demos.services.live import dataset_mark_live
from demos.services.processing import Columns, upload_process
from demos.services.uploads import save_upload
from tests.factories import make_dataset
from tests.sqlite_process import manage_on_sqlite

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
RNG = np.random.default_rng(11)


def scores_csv(scores) -> bytes:
    rows = "".join(f"p{i},{score:.4f}\n" for i, score in enumerate(scores))
    return ("id,score\n" + rows).encode()


# Production scores spread much like v3's: stable drift.
LIKE_V3 = scores_csv(RNG.beta(2, 5, 300))


@pytest.fixture
def v3(demo):
    return make_dataset(demo, RNG.beta(2, 5, 400).tolist(), version="v3")


def url(demo, name, **kwargs):
    return reverse(
        f"demos:{name}", kwargs={"slug": demo.project.slug, "demo_id": demo.pk, **kwargs}
    )


def counts() -> tuple[int, int, int]:
    return UploadJob.objects.count(), Dataset.objects.count(), Example.objects.count()


def queued_upload(demo, owner, live_of, content=LIKE_V3, version="prod-week-48"):
    """An upload accepted with `live_of` and not processed yet (as a worker would find it)."""
    return save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("live.csv", content),
        model_version=version,
        columns=Columns(id="id", score="score", classes=[], display=[]),
        by=owner,
        live_of=live_of,
        queue=False,
    )


# The job ------------------------------------------------------------------------------------


def test_the_job_marks_the_stored_dataset_as_live_traffic_with_its_drift(demo, owner, v3):
    job = queued_upload(demo, owner, live_of=v3)
    assert job.live_of_version == "v3"
    assert job.live.state == JobLiveState.PENDING
    assert job.live.message == "Will be marked as live traffic of v3."

    upload_process(job.pk)
    job = UploadJob.objects.select_related("dataset__live_of").get(pk=job.pk)
    dataset = job.dataset
    assert (job.status, job.warnings) == (JobStatus.SUCCEEDED, [])
    assert (dataset.ready, dataset.row_count, dataset.live_of) == (True, 300, v3)
    assert dataset.drift_level == "stable" and dataset.drift_psi < 0.1
    assert len(dataset.drift_bins) == 10 and dataset.drift_checked_at is not None
    assert job.live.state == JobLiveState.MARKED
    assert job.live.message == (
        f"Marked as live traffic of v3 (drift: stable, PSI {dataset.drift_psi:.3f})."
    )


def test_an_upload_without_live_of_is_not_live_traffic(demo, owner, v3):
    job = queued_upload(demo, owner, live_of=None)
    upload_process(job.pk)
    job.refresh_from_db()
    assert job.live is None and job.warnings == []
    assert job.dataset.live_of_id is None and job.dataset.drift_psi is None


def _mark_v3_as_live_traffic(demo, v3):
    v4 = make_dataset(demo, RNG.beta(2, 5, 100).tolist(), version="v4")
    dataset_mark_live(dataset=v3, reference=v4)


def _delete_v3(demo, v3):
    v3.delete()


CHANGES = {
    "marked as live traffic itself": (_mark_v3_as_live_traffic, "“v3” is live traffic itself"),
    "deleted": (_delete_v3, "This demo has no model version “v3”"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_version_changed_meanwhile_keeps_the_rows_and_warns(demo, owner, v3, change):
    make_change, reason = CHANGES[change]
    job = queued_upload(demo, owner, live_of=v3)
    make_change(demo, v3)
    upload_process(job.pk)
    job = UploadJob.objects.select_related("dataset__live_of").get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED and job.error == "" and job.problems == []
    assert job.dataset.ready and job.dataset.row_count == 300
    assert (job.dataset.live_of_id, job.dataset.drift_psi) == (None, None)
    [warning] = job.warnings
    assert warning["column"] == "live_of"
    assert warning["message"].startswith("Stored, but not marked as live traffic of v3: ")
    assert reason in warning["message"]
    assert f"PUT /api/v1/demos/{demo.pk}/datasets/{job.dataset_id}/live" in warning["message"]
    assert (job.live.state, job.live.message) == (JobLiveState.REFUSED, warning["message"])


def test_a_failed_upload_is_not_marked(demo, owner, v3):
    job = queued_upload(demo, owner, live_of=v3, content=b"id,score\na,high\n")
    upload_process(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not Dataset.objects.exclude(pk=v3.pk).exists()
    assert job.live.state == JobLiveState.NOT_MARKED
    assert job.live.message == "Nothing was stored, so it is not live traffic of v3."


def test_a_failure_while_marking_leaves_nothing_behind(demo, owner, v3, monkeypatch):
    """The rows, the live mark and the job's success are one step: a database error on the way
    discards the half-made dataset, and the job (failed, or retried) starts over cleanly."""
    from demos.services import live

    def broken(**kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(live, "dataset_mark_live", broken)
    job = queued_upload(demo, owner, live_of=v3)
    with pytest.raises(RuntimeError):
        upload_process(job.pk)
    assert list(Dataset.objects.all()) == [v3]
    assert not Example.objects.exclude(dataset=v3).exists()
    assert UploadJob.objects.get(pk=job.pk).status == JobStatus.RUNNING  # the task's to settle


def test_unmarked_since_the_job_says_so(demo, owner, v3):
    from demos.services.live import dataset_unmark_live

    job = queued_upload(demo, owner, live_of=v3)
    upload_process(job.pk)
    job.refresh_from_db()
    dataset_unmark_live(dataset=job.dataset)
    job = UploadJob.objects.select_related("dataset__live_of").get(pk=job.pk)
    assert job.live.state == JobLiveState.NOT_MARKED
    assert job.live.message == (
        "Marked as live traffic of v3 when uploaded; not live traffic any more."
    )


# The demo page's upload form ----------------------------------------------------------------


def page_upload(client, demo, *, headers=None, **fields):
    data = {
        "file": SimpleUploadedFile("live.csv", LIKE_V3),
        "model_version": "prod-week-48",
        "id_column": "id",
        "score_column": "score",
        **fields,
    }
    return client.post(url(demo, "dataset_upload"), data, headers=headers or {})


def test_the_upload_form_offers_the_versions_that_can_serve_live_traffic(client, demo, editor, v3):
    live = make_dataset(demo, [0.3, 0.6], version="prod-week-47")
    dataset_mark_live(dataset=live, reference=v3)
    make_dataset(demo, [0.3, 0.6], version="v4")
    client.force_login(editor)
    html = client.get(url(demo, "demo_detail")).content.decode()
    select = html[html.index('<select name="live_of"') :]
    select = select[: select.index("</select>")]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "v4", "v3"]
    assert "None: a new model version" in select
    assert "For scores from production only: choose the model version that produced" in html


@pytest.mark.django_db(transaction=True)
def test_an_upload_from_the_page_is_marked_as_live_traffic(client, demo, editor, v3):
    client.force_login(editor)
    response = page_upload(client, demo, live_of="v3", headers=HTMX)
    assert response.status_code == 200
    dataset = Dataset.objects.get(model_version="prod-week-48")
    assert (dataset.live_of_id, dataset.drift_level) == (v3.pk, "stable")
    html = response.content.decode()
    assert f"Marked as live traffic of v3 (drift: stable, PSI {dataset.drift_psi:.3f})." in html
    page = client.get(url(demo, "demo_detail")).content.decode()
    assert "“prod-week-48”: live traffic, served by v3" in page


@pytest.mark.django_db(transaction=True)
def test_the_job_page_says_what_became_of_the_live_mark(client, demo, editor, v3):
    client.force_login(editor)
    response = page_upload(client, demo, live_of="v3")
    job = UploadJob.objects.get()
    assert response["Location"] == url(demo, "upload_job", job_id=job.pk)
    html = client.get(response["Location"]).content.decode()
    assert "Stored 300 examples" in html
    assert "Marked as live traffic of v3 (drift: stable, PSI " in html


def test_a_queued_live_upload_says_it_will_be_marked(client, demo, editor, owner, v3):
    job = queued_upload(demo, owner, live_of=v3)
    client.force_login(editor)
    html = client.get(url(demo, "upload_job", job_id=job.pk), headers=HTMX).content.decode()
    assert "Will be marked as live traffic of v3." in html


def test_the_job_page_shows_the_warning_of_a_refused_mark(client, demo, editor, owner, v3):
    job = queued_upload(demo, owner, live_of=v3)
    _mark_v3_as_live_traffic(demo, v3)
    upload_process(job.pk)
    client.force_login(editor)
    response = client.get(url(demo, "upload_job", job_id=job.pk))
    html = response.content.decode()
    assert "Stored 300 examples" in html
    assert 'class="job-warnings" role="alert"' in html
    assert "Stored, but not marked as live traffic of v3: “v3” is live traffic itself" in html
    assert html.count("not marked as live traffic of v3") == 1  # said once


def test_an_unknown_version_is_a_form_error_and_nothing_is_stored(client, demo, editor, v3):
    make_dataset(demo, [0.2, 0.7], version="v4")
    client.force_login(editor)
    before = counts()
    response = page_upload(client, demo, live_of="v9", headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        "This demo has no model version “v9”. Live traffic can be compared with “v4” or “v3”"
        in html
    )
    assert counts() == before


def test_live_traffic_of_another_kind_is_a_form_error(client, demo, editor, v3):
    client.force_login(editor)
    before = counts()
    response = page_upload(
        client, demo, live_of="v3", class_columns="billing, outage", headers=HTMX
    )
    assert response.status_code == 422
    assert "compared with a model version of the same kind" in response.content.decode()
    assert counts() == before


def test_the_recent_uploads_cost_no_more_queries_with_live_traffic(
    client, demo, editor, owner, v3, django_assert_max_num_queries
):
    """Each finished live upload shows its drift, read with the job list: no query per job."""
    client.force_login(editor)
    page = url(demo, "demo_detail")

    def finished_live_upload(week: int) -> None:
        job = queued_upload(demo, owner, live_of=v3, version=f"prod-week-{week}")
        upload_process(job.pk)

    finished_live_upload(40)
    client.get(page)  # labels counted and cached once
    with django_assert_max_num_queries(30) as captured:
        client.get(page)
    page_queries = len(captured)  # (the next request resets the connection's query log)
    for week in (41, 42, 43):
        finished_live_upload(week)
    client.get(page)  # the newest version's labels counted once
    with django_assert_max_num_queries(page_queries):
        html = client.get(page).content.decode()
    assert html.count("Marked as live traffic of v3 (drift: ") == 4


# On SQLite, the embedded default --------------------------------------------------------------

SQLITE_SCRIPT = """
import json
import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from demos.models import UploadJob
from demos.services import demo_create
from demos.services.uploads import save_upload
from demos.services.processing import Columns, upload_process
from tests.factories import make_project, make_team, make_user

owner = make_user("olivia")
project = make_project(make_team("Growth", members={owner: "owner"}), owner)
demo = demo_create(project=project, title="Which tickets are urgent?", by=owner)
rng = np.random.default_rng(3)


def uploaded(version, scores, live_of=None):
    rows = "".join(f"p{i},{s:.4f}\\n" for i, s in enumerate(scores))
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("o.csv", ("id,score\\n" + rows).encode()),
        model_version=version,
        columns=Columns(id="id", score="score", classes=[], display=[]),
        by=owner,
        live_of=live_of,
        queue=False,
    )
    upload_process(job.pk)
    return UploadJob.objects.select_related("dataset__live_of").get(pk=job.pk)


v3 = uploaded("v3", rng.beta(2, 5, 2000)).dataset
job = uploaded("prod-week-48", rng.beta(5, 2, 1000), live_of=v3)
print(json.dumps({"status": job.status, "message": job.live.message, "warnings": job.warnings}))
"""


def test_on_sqlite_the_job_marks_its_dataset_too(tmp_path):
    """The rows go in on SQLite's own connections; the mark is measured on Django's, inside the
    job's last transaction (which holds SQLite's write lock), and still succeeds."""
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    output = manage_on_sqlite(database, "shell", "-c", SQLITE_SCRIPT).strip().splitlines()[-1]
    result = json.loads(output)
    assert (result["status"], result["warnings"]) == ("succeeded", [])
    assert result["message"].startswith("Marked as live traffic of v3 (drift: significant, PSI ")
