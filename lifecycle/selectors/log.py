"""The weekly log's read model: which weeks a page shows, each with its plan, readings and
likelihood against the previous estimate (lifecycle/views/log.py renders it)."""

import dataclasses
import datetime
from urllib.parse import urlsplit

from django.db.models import Max, Min, Prefetch
from django.urls import reverse
from django.utils import timezone

from ..models import Direction, Experiment, Project, Reading, SuccessCriterion, Timebox
from ..weeks import week_label, week_start

# Six weeks a page: on a phone a week is a screen or more, and a longer page is an endless column.
WEEKS_PER_PAGE = 6


@dataclasses.dataclass
class ReadingRow:
    """The latest reading of one criterion by one experiment, against the criterion's target."""

    criterion: SuccessCriterion
    value: float
    count: int  # readings of this criterion by the experiment

    @property
    def meets_target(self) -> bool:
        if self.criterion.direction == Direction.LOWER:
            return self.value <= self.criterion.target
        return self.value >= self.criterion.target


@dataclasses.dataclass
class Link:
    url: str
    label: str
    is_web: bool  # only http(s) links become <a href>; anything else is shown as text


@dataclasses.dataclass
class LogWeek:
    monday: datetime.date
    timebox: Timebox | None
    experiments: list[Experiment]
    this_week: datetime.date
    previous: Timebox | None  # the latest earlier week with a likelihood estimate

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def dates(self) -> str:
        """ "23–29 Nov", or "30 Nov – 6 Dec" across months."""
        sunday = self.monday + datetime.timedelta(days=6)
        if sunday.month == self.monday.month:
            return f"{self.monday.day}–{sunday.day} {sunday:%b}"
        return f"{self.monday.day} {self.monday:%b} – {sunday.day} {sunday:%b}"

    @property
    def is_this_week(self) -> bool:
        return self.monday == self.this_week

    @property
    def is_future(self) -> bool:
        return self.monday > self.this_week

    @property
    def is_gap(self) -> bool:
        """A past week nobody logged: shown as such, so a missed week is obvious."""
        return self.timebox is None and self.monday < self.this_week

    @property
    def likelihood(self) -> int | None:
        return self.timebox.likelihood if self.timebox else None

    @property
    def delta(self) -> int | None:
        """Change since the previous estimate, in percentage points (None: nothing to compare)."""
        previous = self.previous.likelihood if self.previous else None
        if self.likelihood is None or previous is None:
            return None
        return self.likelihood - previous

    @property
    def delta_size(self) -> int | None:
        return abs(self.delta) if self.delta is not None else None


def log_span(project: Project, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The oldest and the newest week the log shows.

    From the first timebox (or the project's creation, before anything is logged) to this week;
    an ended project's log ends the week it ended. Weeks planned ahead are shown too.
    """
    bounds = project.timeboxes.aggregate(first=Min("week_start"), last=Max("week_start"))
    end = week_start(today)
    if not project.is_active and project.ended_at:
        end = week_start(timezone.localdate(project.ended_at))
    newest = max(end, bounds["last"] or end)
    oldest = bounds["first"] or week_start(timezone.localdate(project.created_at))
    return min(oldest, newest), newest


def mondays_between(oldest: datetime.date, newest: datetime.date) -> list[datetime.date]:
    count = (newest - oldest).days // 7 + 1
    return [newest - datetime.timedelta(weeks=n) for n in range(count)]


def page_of(project: Project, monday: datetime.date) -> int:
    _, newest = log_span(project, timezone.localdate())
    return max(0, (newest - monday).days // 7) // WEEKS_PER_PAGE + 1


def log_url(project: Project, monday: datetime.date, anchor: str = "") -> str:
    url = reverse("lifecycle:project_log", args=[project.slug])
    page = page_of(project, monday)
    if page > 1:
        url += f"?page={page}"
    return f"{url}#{anchor or 'week-' + week_label(monday)}"


def link_of(url: str) -> Link:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return Link(url, url, is_web=False)
    # The address without its scheme: run trackers keep the run in the fragment ("#/runs/7").
    label = url.split("://", 1)[1].removeprefix("www.").rstrip("/")
    if len(label) > 60:
        label = label[:57] + "…"
    return Link(url, label, is_web=True)


def reading_rows(readings: list[Reading]) -> list[ReadingRow]:
    rows: dict[int, ReadingRow] = {}
    for reading in readings:  # oldest first: the last one seen is the latest
        row = rows.get(reading.criterion_id)
        count = row.count + 1 if row else 1
        rows[reading.criterion_id] = ReadingRow(reading.criterion, reading.value, count)
    return sorted(rows.values(), key=lambda row: (row.criterion.position, row.criterion.pk))


def log_weeks(project: Project, mondays: list[datetime.date]) -> list[LogWeek]:
    """The weeks of `mondays` (newest first) with their plan and readings: four queries."""
    readings = Reading.objects.select_related("criterion").order_by("at", "id")
    plan = (
        Experiment.objects.select_related("created_by")
        .prefetch_related(Prefetch("readings", queryset=readings))
        .order_by("position", "id")
    )
    timeboxes = {
        timebox.week_start: timebox
        for timebox in project.timeboxes.filter(
            week_start__gte=mondays[-1], week_start__lte=mondays[0]
        ).prefetch_related(Prefetch("experiments", queryset=plan))
    }
    previous = (
        project.timeboxes.filter(week_start__lt=mondays[-1], likelihood__isnull=False)
        .order_by("-week_start")
        .first()
    )
    this_week = week_start(timezone.localdate())
    weeks = []
    for monday in reversed(mondays):  # oldest first, carrying the previous estimate forward
        timebox = timeboxes.get(monday)
        experiments = list(timebox.experiments.all()) if timebox else []
        weeks.append(LogWeek(monday, timebox, experiments, this_week, previous))
        if timebox and timebox.likelihood is not None:
            previous = timebox
        # Read by the log's template on each experiment (not model fields).
        for index, experiment in enumerate(experiments):
            experiment.priority = index + 1  # type: ignore[attr-defined]
            experiment.is_first = index == 0  # type: ignore[attr-defined]
            experiment.is_last = index == len(experiments) - 1  # type: ignore[attr-defined]
            experiment.link_items = [link_of(url) for url in experiment.links or []]  # type: ignore[attr-defined]
            experiment.reading_rows = reading_rows(list(experiment.readings.all()))  # type: ignore[attr-defined]
    weeks.reverse()
    return weeks
