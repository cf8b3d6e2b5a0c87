import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .selectors.digests import digest_week
from .services.derived import rollups_catch_up
from .services.digests import digests_send, digests_unfinished
from .services.monitoring import monitoring_run
from .services.overdue import overdue_reminders_send
from .services.reminders import log_reminders_send


@shared_task
def send_overdue_stage_reminders() -> int:
    """Nightly (see CELERY_BEAT_SCHEDULE): remind owners of stages past their planned end."""
    return overdue_reminders_send()


@shared_task(time_limit=600, soft_time_limit=540)
def send_log_reminders() -> int:
    """Weekly (LOG_REMINDER_WEEKDAY at LOG_REMINDER_HOUR): remind editors of projects with no log
    entry this week, once per person, project and week."""
    return log_reminders_send()


@shared_task(ignore_result=True, time_limit=600, soft_time_limit=540)
def catch_up_rollups(project_id: int) -> None:
    """After readings are stored (lifecycle.services.derived.refresh): roll them up by hour."""
    rollups_catch_up(project_id)


@shared_task(time_limit=600, soft_time_limit=540)
def run_monitoring() -> dict:
    """Every MONITORING_EVERY_MINUTES (CELERY_BEAT_SCHEDULE): one pass of the monitoring checks."""
    result = monitoring_run()
    return {"projects": result.projects, "opened": result.opened, "resolved": result.resolved}


@shared_task(bind=True, max_retries=10)
def send_weekly_digests(self, week: str = "") -> int:
    """Weekly (DIGEST_WEEKDAY at DIGEST_HOUR): each digest of last week, once per person.
    Claims left by a dead worker are taken over on a retry after DIGEST_RECLAIM_SECONDS."""
    monday = datetime.date.fromisoformat(week) if week else digest_week(timezone.now())
    sent = digests_send(week=monday)
    if digests_unfinished(week=monday):
        countdown = settings.DIGEST_RECLAIM_SECONDS + 1
        raise self.retry(args=[monday.isoformat()], countdown=countdown)
    return sent
