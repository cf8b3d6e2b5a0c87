"""The stage timeline: planned and actual spans of each stage on one shared date axis."""

import datetime
from dataclasses import dataclass

from ..models import Stage


@dataclass
class Span:
    left: float  # percent of the axis
    width: float


@dataclass
class TimelineRow:
    stage: Stage
    planned: Span | None
    actual: Span | None
    overdue: bool
    days_late: int


@dataclass
class Timeline:
    rows: list[TimelineRow]
    start: datetime.date | None
    end: datetime.date | None
    today: Span | None  # a zero-width marker


def stage_timeline(stages: list[Stage], today: datetime.date) -> Timeline:
    dates = [
        d
        for s in stages
        for d in (s.planned_start, s.planned_end, s.actual_start, s.actual_end)
        if d is not None
    ]
    if not dates:
        return Timeline(
            rows=[TimelineRow(s, None, None, s.is_overdue(today), 0) for s in stages],
            start=None,
            end=None,
            today=None,
        )
    start = min(dates)
    end = max([*dates, today])
    total = max((end - start).days, 1)

    def span(first: datetime.date | None, last: datetime.date | None) -> Span | None:
        if first is None:
            return None
        last = last or today  # an open span runs to today
        left = (first - start).days / total * 100
        width = max((last - first).days / total * 100, 0.8)
        return Span(round(left, 2), round(min(width, 100 - left), 2))

    rows = []
    for stage in stages:
        planned = span(stage.planned_start, stage.planned_end) if stage.planned_end else None
        actual = span(stage.actual_start, stage.actual_end)
        rows.append(
            TimelineRow(stage, planned, actual, stage.is_overdue(today), stage.days_late(today))
        )
    today_left = round((today - start).days / total * 100, 2)
    return Timeline(rows=rows, start=start, end=end, today=Span(today_left, 0))
