from celery import shared_task
from django.db import OperationalError

from .uploads import upload_process


@shared_task(
    acks_late=True,  # a worker lost mid-way gets the job redelivered; it starts over cleanly
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def process_upload(job_id: int) -> None:
    upload_process(job_id)
