from celery import shared_task

from .reminders import overdue_reminders_send


@shared_task
def send_overdue_stage_reminders() -> int:
    """Nightly (see CELERY_BEAT_SCHEDULE): remind owners of stages past their planned end."""
    return overdue_reminders_send()
