"""The `--at` option of the scheduled jobs' commands: run as of a given moment."""

import datetime

from django.core.management.base import CommandError
from django.utils.dateparse import parse_datetime


def add_at_argument(parser, *, example: str = "2026-12-04T09:00+00:00") -> None:
    parser.add_argument("--at", help=f"Run as of this moment (ISO 8601, e.g. {example}).")


def moment_from(at: str | None, *, example: str = "2026-12-04T09:00+00:00"):
    """The `--at` text as an aware UTC datetime; None when not given; a clear error otherwise."""
    if not at:
        return None
    try:
        moment = parse_datetime(at)
    except ValueError:  # well formed but impossible, like month 13
        moment = None
    if moment is None or moment.tzinfo is None:
        raise CommandError(f'"{at}" is not a moment with a time zone; write it like {example}.')
    return moment.astimezone(datetime.UTC)
