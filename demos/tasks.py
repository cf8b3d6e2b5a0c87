from celery import shared_task
from django.db import OperationalError

from .services.processing import upload_process, upload_stopped

# A database busy or locked for too long.
BUSY = OperationalError


@shared_task(
    bind=True,
    acks_late=True,  # a worker lost mid-way gets the job redelivered; it starts over cleanly
    max_retries=3,
    ignore_result=True,  # the job's state is in its UploadJob row
    # A million rows take about 16 s (bench/README.md); the 200 MB limit is a few million. The
    # soft limit raises SoftTimeLimitExceeded, which fails the job with a message (below).
    soft_time_limit=20 * 60,
    time_limit=21 * 60,
)
def process_upload(self, job_id: int) -> None:
    try:
        upload_process(job_id)
    except BUSY as busy:
        # A worker tries again later; run in-process (no broker), there is no later.
        if not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(exc=busy, countdown=2**self.request.retries) from busy
        upload_stopped(job_id)
        raise
    except Exception:
        upload_stopped(job_id)  # the job says it failed, rather than "running" for ever
        raise
