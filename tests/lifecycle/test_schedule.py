"""Celery beat runs the weekly rhythm's jobs when the settings say, read with a frozen clock."""

import datetime

import time_machine
from celery.beat import ScheduleEntry

from config.celery import app
from lifecycle import tasks

START = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=datetime.UTC)


def entry(name: str, last_run_at: datetime.datetime) -> ScheduleEntry:
    spec = app.conf.beat_schedule[name]
    return ScheduleEntry(
        name=name, task=spec["task"], schedule=spec["schedule"], last_run_at=last_run_at, app=app
    )


def due_at(name: str, last_run_at: datetime.datetime, moment: datetime.datetime) -> bool:
    with time_machine.travel(moment, tick=False):
        return entry(name, last_run_at).is_due().is_due


def test_the_monitoring_checks_run_every_15_minutes_by_default():
    assert app.conf.beat_schedule["monitoring-checks"]["task"] == tasks.run_monitoring.name
    minute = datetime.timedelta(minutes=1)
    assert not due_at("monitoring-checks", START, START + 14 * minute)
    assert due_at("monitoring-checks", START, START + 15 * minute)
    assert due_at("monitoring-checks", START, START + 16 * minute)


def test_a_different_interval_comes_from_the_settings(monkeypatch):
    import importlib

    from config import settings as project_settings

    monkeypatch.setenv("MONITORING_EVERY_MINUTES", "5")
    reloaded = importlib.reload(project_settings)
    try:
        schedule = reloaded.CELERY_BEAT_SCHEDULE["monitoring-checks"]["schedule"]
        assert schedule == datetime.timedelta(minutes=5)
    finally:
        monkeypatch.delenv("MONITORING_EVERY_MINUTES")
        importlib.reload(project_settings)


def test_overdue_stage_reminders_still_run_every_morning_at_seven():
    day = datetime.timedelta(days=1)
    last = START.replace(hour=7) - day
    assert not due_at("overdue-stage-reminders", last, START.replace(hour=6, minute=59))
    assert due_at("overdue-stage-reminders", last, START.replace(hour=7, minute=0))
