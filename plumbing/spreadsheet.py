"""CSV files people open in a spreadsheet: no cell of ours may run as a formula there.

Every CSV the app writes goes through `csv_writer` (or `csv_safe` per cell), so text that anyone
typed (a project name, a blocker, a model output's id) reaches the spreadsheet as text.
"""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

# OWASP's list: a cell starting with one of these may be read as a formula (or DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str | int | float:
    """A cell a spreadsheet will not run as a formula (OWASP's advice: a leading quote). Numbers
    stay numbers: -3.5 is a value, not a formula; the text "-3.5" gets its quote."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """csv.writer whose every cell goes through csv_safe."""

    def __init__(self, stream: _Writable) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_safe(cell) for cell in row])


def csv_writer(stream: _Writable) -> SafeWriter:
    return SafeWriter(stream)
