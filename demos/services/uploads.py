"""Starting an upload: keep the file, record the job, queue its processing (demos.tasks runs
demos.services.processing.upload_process in a worker)."""

from functools import partial
from pathlib import Path

from django.core.files import File

from accounts.models import User
from config import jobs

from ..models import Dataset, Demo, UploadJob
from ..tasks import process_upload
from .processing import Columns, upload_not_queued


def save_upload(
    *,
    demo: Demo,
    uploaded: File,
    model_version: str,
    columns: Columns,
    by: User,
    live_of: Dataset | None = None,
    queue: bool = True,
) -> UploadJob:
    """Keep an uploaded file and queue its processing once the transaction commits. With the
    broker unreachable, raise jobs.QueueUnavailable before anything is stored. `live_of` (a
    version of the demo, checked by the caller: UploadForm) marks the new dataset as its live
    traffic once stored. `queue=False` leaves the job to the caller (the seed runs
    upload_process itself)."""
    if queue:
        jobs.queue_check(what="upload")
    job = UploadJob(
        demo=demo,
        original_name=Path(uploaded.name or "").name[:255],
        model_version=model_version,
        id_column=columns.id,
        score_column=columns.score,
        class_columns=columns.classes,
        display_columns=columns.display,
        live_of_version=live_of.model_version if live_of else "",
        created_by=by,
    )
    job.file.save(job.original_name, uploaded, save=False)
    job.save()
    if queue:
        jobs.job_send(
            process_upload, job.pk, what="upload", on_failure=partial(upload_not_queued, job.pk)
        )
    return job
