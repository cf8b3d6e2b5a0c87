"""Uploaded model outputs: each bad file gets a clear report and leaves nothing behind."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from demos import tasks
from demos.models import Dataset, Example, JobStatus, UploadJob
from demos.scales import CONFIDENCE_WORDS, band_index, bands_from_json
from demos.services import processing as uploads
from demos.services import storing
from demos.services.processing import Columns, upload_process
from demos.services.uploads import save_upload

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_CSV = (
    "id,score,title,text\n"
    "t1,0.91,Printer on fire,Smoke from tray 2\n"
    "t2,0.55,Password reset,Cannot log in\n"
    "t3,0.12,Newsletter,Please unsubscribe me\n"
)


def upload(demo, owner, content, name="outputs.csv", version="v1", **columns):
    spec = Columns(
        id=columns.get("id", "id"),
        score=columns.get("score", "score"),
        classes=columns.get("classes", []),
        display=columns.get("display", ["title", "text"]),
    )
    data = content.encode("utf-8") if isinstance(content, str) else content
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile(name, data),
        model_version=version,
        columns=spec,
        by=owner,
    )
    job.refresh_from_db()
    return job


def first_rows(checked: dict, n: int) -> dict:
    return {key: None if value is None else value[:n] for key, value in checked.items()}


def assert_failed_cleanly(job, *fragments):
    assert job.status == JobStatus.FAILED
    report = " ".join(problem["message"] for problem in job.problems)
    for fragment in fragments:
        assert fragment in report
    assert not Dataset.objects.exists()
    assert not Example.objects.exists()
    assert not job.file  # the uploaded file is not kept


def test_a_good_csv_becomes_a_labelled_dataset(demo, owner):
    job = upload(demo, owner, GOOD_CSV)
    assert (job.status, job.progress, job.error) == (JobStatus.SUCCEEDED, 100, "")
    dataset = Dataset.objects.get()
    assert (dataset.ready, dataset.row_count, dataset.scale) == (True, 3, demo.scale)
    rows = list(dataset.examples.values_list("external_id", "row", "score", "fields"))
    assert rows == [
        ("t1", 2, 0.91, {"title": "Printer on fire", "text": "Smoke from tray 2"}),
        ("t2", 3, 0.55, {"title": "Password reset", "text": "Cannot log in"}),
        ("t3", 4, 0.12, {"title": "Newsletter", "text": "Please unsubscribe me"}),
    ]
    bands = bands_from_json(dataset.scale.bands)
    labels = [bands[band_index(bands, score)].label for _, _, score, _ in rows]
    assert labels == ["Strong match", "Possible", "Unlikely"]


def test_json_lines_are_read_too(demo, owner):
    content = '{"id": 7, "score": 0.8, "title": "A"}\n{"id": 8, "score": 0.2, "title": "B"}\n'
    job = upload(demo, owner, content, name="out.jsonl", display=["title"])
    assert job.status == JobStatus.SUCCEEDED
    assert list(Example.objects.values_list("external_id", "score")) == [("7", 0.8), ("8", 0.2)]


def test_multi_class_takes_the_top_class_with_a_confidence_word(demo, owner):
    content = "id,billing,outage,spam,text\na,0.1,0.85,0.05,x\nb,0.4,0.35,0.25,y\n"
    job = upload(demo, owner, content, classes=["billing", "outage", "spam"], display=["text"])
    assert job.status == JobStatus.SUCCEEDED
    assert Dataset.objects.get().classes == ["billing", "outage", "spam"]
    rows = list(Example.objects.values_list("external_id", "top_class", "score"))
    assert rows == [("a", "outage", 0.85), ("b", "billing", 0.4)]
    words = [CONFIDENCE_WORDS[band_index(CONFIDENCE_WORDS, score)].label for *_, score in rows]
    assert words == ["Confident", "Unsure"]


def test_missing_column_names_the_columns_found(demo, owner):
    job = upload(demo, owner, "ident,score\nt1,0.5\n", display=[])
    assert_failed_cleanly(job, "Missing column “id”", "“ident”, “score”")


def test_non_numeric_scores_are_reported_with_their_lines(demo, owner):
    content = "id,score\nt1,0.5\nt2,high\nt3,\n"
    job = upload(demo, owner, content, display=[])
    assert_failed_cleanly(job, "“score” must be a number from 0 to 1; lines 3, 4 hold 'high', ''")
    assert job.problems[0]["rows"] == [3, 4]
    assert job.problems[0]["column"] == "score"


def test_scores_outside_zero_to_one_are_reported(demo, owner):
    job = upload(demo, owner, "id,score\nt1,0.5\nt2,1.7\nt3,-2\n", display=[])
    assert_failed_cleanly(job, "between 0 and 1", "lines 3, 4 hold 1.7, -2")


def test_duplicate_ids_are_reported(demo, owner):
    job = upload(demo, owner, "id,score\nt1,0.5\nt2,0.6\nt1,0.7\n", display=[])
    assert_failed_cleanly(job, "Ids must be unique; “t1”", "lines 2, 4")


def test_missing_ids_are_reported(demo, owner):
    job = upload(demo, owner, "id,score\n,0.5\nt2,0.6\n", display=[])
    assert_failed_cleanly(job, "Every row needs an id", "line 2 have none")


def test_wrong_encoding_says_to_save_as_utf8(demo, owner):
    content = "id,score,title\nt1,0.5,Caf\xe9\n".encode("latin-1")
    job = upload(demo, owner, content)
    assert_failed_cleanly(job, "not UTF-8", "Save it as UTF-8")


def test_empty_file(demo, owner):
    assert_failed_cleanly(upload(demo, owner, ""), "The file is empty")


def test_header_without_rows(demo, owner):
    assert_failed_cleanly(upload(demo, owner, "id,score\n", display=[]), "no data rows")


def test_file_over_the_size_limit(demo, owner, settings):
    settings.DEMO_MAX_UPLOAD_BYTES = 30
    assert_failed_cleanly(upload(demo, owner, GOOD_CSV), "the limit is", "Split it")


def test_all_problems_are_reported_at_once(demo, owner):
    job = upload(demo, owner, "id,score\nt1,2\nt1,x\n", display=[])
    messages = [problem["message"] for problem in job.problems]
    assert len(messages) == 3  # duplicate id, not a number, out of range


def test_a_model_version_is_uploaded_once(demo, owner):
    upload(demo, owner, GOOD_CSV, version="v1")
    job = upload(demo, owner, GOOD_CSV, version="v1")
    assert job.status == JobStatus.FAILED
    assert "already has outputs of model version “v1”" in job.error
    assert Dataset.objects.count() == 1


def test_a_failure_mid_way_leaves_no_rows(demo, owner, monkeypatch):
    monkeypatch.setattr(storing, "CHUNK_ROWS", 1)
    original_store = uploads._store_rows

    def store_then_crash(job, dataset, frame, checked, first_line):
        original_store(job, dataset, frame.iloc[:2], first_rows(checked, 2), first_line)
        assert Example.objects.count() == 2  # some rows were stored...
        raise RuntimeError("disk full")

    monkeypatch.setattr(uploads, "_store_rows", store_then_crash)
    with pytest.raises(RuntimeError):
        upload(demo, owner, GOOD_CSV)
    assert not Example.objects.exists()  # ...and removed again
    assert not Dataset.objects.exists()
    # The task gave up: the job says so instead of "running" for ever, and not as the file's fault.
    job = UploadJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "not in your file" in job.error
    assert not job.file


@pytest.fixture
def queued_job(demo, owner, monkeypatch):
    monkeypatch.setattr(tasks.process_upload, "apply_async", lambda *args, **options: None)
    return upload(demo, owner, GOOD_CSV)


def busy(job_id):
    raise OperationalError("database is locked")


def test_a_worker_retries_an_upload_while_the_database_is_busy(queued_job, monkeypatch):
    monkeypatch.setattr(tasks, "upload_process", busy)
    tasks.process_upload.push_request(retries=0)
    try:
        with pytest.raises(OperationalError):  # what a call outside a worker gets for "retry later"
            tasks.process_upload.run(queued_job.pk)
    finally:
        tasks.process_upload.pop_request()
    queued_job.refresh_from_db()
    assert queued_job.status == JobStatus.QUEUED  # not failed: a retry is coming


def test_the_last_retry_fails_the_job_with_a_message(queued_job, monkeypatch):
    monkeypatch.setattr(tasks, "upload_process", busy)
    tasks.process_upload.push_request(retries=tasks.process_upload.max_retries)
    try:
        with pytest.raises(OperationalError):
            tasks.process_upload.run(queued_job.pk)
    finally:
        tasks.process_upload.pop_request()
    queued_job.refresh_from_db()
    assert queued_job.status == JobStatus.FAILED
    assert "not in your file" in queued_job.error
    assert not queued_job.file


def test_in_process_a_busy_database_fails_the_job_at_once(demo, owner, monkeypatch):
    monkeypatch.setattr(tasks, "upload_process", busy)
    with pytest.raises(OperationalError):
        upload(demo, owner, GOOD_CSV)  # tasks run in-process in the tests, as without a broker
    job = UploadJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert not Dataset.objects.exists()


MANY_CHUNKS_CSV = "id,score\n" + "".join(f"r{i},0.{i}\n" for i in range(9))


def test_postgresql_stores_the_chunks_on_two_connections_each_once(demo, owner, monkeypatch):
    monkeypatch.setattr(storing, "CHUNK_ROWS", 2)
    both_started = threading.Barrier(2, timeout=10)  # each connection copies a chunk at once
    threads = []
    real_copy = storing._insert

    def copy(chunk):
        threads.append(threading.current_thread().name)
        if len(threads) <= 2:
            both_started.wait()
        real_copy(chunk)

    monkeypatch.setattr(storing, "_insert", copy)
    job = upload(demo, owner, MANY_CHUNKS_CSV, display=[])
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress == 100
    stored = sorted(Example.objects.values_list("external_id", flat=True))
    assert stored == [f"r{i}" for i in range(9)]
    assert len(threads) == 5
    assert set(threads) == {threading.current_thread().name, "demos-copy"}


def test_a_failure_on_the_second_connection_leaves_no_rows(demo, owner, monkeypatch):
    monkeypatch.setattr(storing, "CHUNK_ROWS", 2)
    both_started = threading.Barrier(2, timeout=10)
    calls = []
    real_copy = storing._insert

    def copy(chunk):
        calls.append(chunk)
        if len(calls) <= 2:
            both_started.wait()
        if threading.current_thread().name == "demos-copy":
            raise OSError("connection reset")
        real_copy(chunk)

    monkeypatch.setattr(storing, "_insert", copy)
    with pytest.raises(OSError):
        upload(demo, owner, MANY_CHUNKS_CSV, display=[])
    assert not Example.objects.exists()
    assert UploadJob.objects.get().status == JobStatus.FAILED


def test_running_a_job_again_never_duplicates_rows(demo, owner):
    job = upload(demo, owner, GOOD_CSV)
    upload_process(job.pk)  # a redelivered task after success: nothing happens
    assert Example.objects.count() == 3


def test_a_job_interrupted_half_way_starts_over_cleanly(demo, owner, monkeypatch):
    original_store = uploads._store_rows

    def crash_like_a_killed_worker(job, dataset, frame, checked, first_line):
        original_store(job, dataset, frame.iloc[:1], first_rows(checked, 1), first_line)
        raise SystemExit  # not caught by the cleanup: like a worker killed mid-way

    monkeypatch.setattr(uploads, "_store_rows", crash_like_a_killed_worker)
    with pytest.raises(SystemExit):
        upload(demo, owner, GOOD_CSV)
    job = UploadJob.objects.get()
    assert job.status == JobStatus.RUNNING
    assert Dataset.objects.filter(ready=False).count() == 1  # half-stored, hidden

    monkeypatch.setattr(uploads, "_store_rows", original_store)
    upload_process(job.pk)  # the redelivered task
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert Dataset.objects.get().row_count == 3
    assert Example.objects.count() == 3
