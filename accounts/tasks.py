from celery import shared_task

from accounts.services.notification_email import notifications_send_email


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=270)
def email_notifications(ids: list[int]) -> int:
    """Email each of these notifications to its person (queued by notifications_email)."""
    return notifications_send_email(ids=ids)
