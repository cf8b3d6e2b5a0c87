from celery import shared_task

from .reminders import overdue_reminders_send
from .services.digests import digests_send
from .services.monitoring import monitoring_run


@shared_task
def send_overdue_stage_reminders() -> int:
    """Nightly (see CELERY_BEAT_SCHEDULE): remind owners of stages past their planned end."""
    return overdue_reminders_send()


@shared_task(time_limit=600, soft_time_limit=540)
def run_monitoring() -> dict:
    """Every MONITORING_EVERY_MINUTES (CELERY_BEAT_SCHEDULE): one pass of the monitoring checks."""
    result = monitoring_run()
    return {"projects": result.projects, "opened": result.opened, "resolved": result.resolved}


@shared_task
def send_weekly_digests() -> int:
    """Weekly (DIGEST_WEEKDAY at DIGEST_HOUR): each digest of last week, once per person."""
    return digests_send()
