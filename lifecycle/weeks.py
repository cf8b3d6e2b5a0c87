"""ISO weeks, the unit of the experiment log: "2026-W47" is the week starting Monday 16 Nov 2026."""

import datetime
import re

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


class BadWeek(ValueError):
    pass


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def parse_week(text: str) -> datetime.date:
    """ "2026-W47" → the Monday of that week; a clear error for anything else."""
    match = WEEK_PATTERN.match(text.strip())
    if not match:
        raise BadWeek(f'"{text}" is not a week; write it as YYYY-Www, for example "2026-W47".')
    year, week = int(match[1]), int(match[2])
    if year < datetime.MINYEAR:
        raise BadWeek(f'"{text}" is not a week: years start at {datetime.MINYEAR}.')
    try:
        return datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        weeks_in_year = datetime.date(year, 12, 28).isocalendar().week
        raise BadWeek(
            f"{year} has weeks 1 to {weeks_in_year}; week {week} does not exist."
        ) from None


def week_label(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


class WeekConverter:
    """URL part for an ISO week, "2026-W48": the view gets the week's Monday."""

    regex = r"\d{4}-W\d{2}"

    def to_python(self, value: str) -> datetime.date:
        try:
            return parse_week(value)
        except BadWeek as error:
            raise ValueError(str(error)) from None  # no match: a 404

    def to_url(self, value) -> str:
        return week_label(value) if isinstance(value, datetime.date) else str(value)
