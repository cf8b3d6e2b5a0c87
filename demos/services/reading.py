"""Reading an uploaded file of model outputs into a table, or saying exactly what is wrong with it.

This is about the file's shape: its size and encoding, NUL bytes, a header without repeated
names, every CSV row with as many fields as the header, every JSON line one JSON object whose
values are text or numbers where they are read. What the values mean (ids unique, scores from 0 to
1) is processing.validate's job. Nothing here stores anything.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings

from plumbing.text import storable

ROWS_LISTED = 10  # how many row numbers a problem lists before summarising
QUOTED = 40  # how many characters of a bad value or column name a message quotes
# Text in one field of a CSV file; a longer one is refused by csv (its field_size_limit, 131,072).
FIELD_MAX_CHARS = csv.field_size_limit()
UTF16_SIGNS = (b"\xff\xfe", b"\xfe\xff")
SCAN_BYTES = 1 << 20


@dataclass
class Problem:
    message: str
    column: str = ""
    rows: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"message": self.message, "column": self.column, "rows": self.rows}


class InvalidUpload(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message)
        self.problems = problems


def max_upload_bytes() -> int:
    limit: int = settings.DEMO_MAX_UPLOAD_BYTES
    return limit


def rows_text(lines: list[int], total: int) -> str:
    shown = ", ".join(str(n) for n in lines[:ROWS_LISTED])
    more = f" and {total - ROWS_LISTED} more" if total > ROWS_LISTED else ""
    return f"line{'s' if total > 1 else ''} {shown}{more}"


def quoted(value: object) -> str:
    """A value for a message: repr'd, and cut short when long (a 5 MB cell stays out of it)."""
    text = str(value)
    short = text if len(text) <= QUOTED else text[:QUOTED] + "…"
    return repr(short)


def _is_json_lines(name: str, head: bytes) -> bool:
    if name.lower().endswith((".jsonl", ".ndjson", ".json")):
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _refuse(message: str, column: str = "", rows: list[int] | None = None) -> InvalidUpload:
    return InvalidUpload([Problem(message, column, rows or [])])


def read_table(
    path: Path, name: str, columns: list[str], *, optional: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, int, list[str]]:
    """The uploaded rows (only the `columns` needed, as text), the file line of the first data
    row, and every column name the file has (for messages). A JSON line may leave out the
    `optional` columns (shown ones: empty on its card), not the others."""
    size = path.stat().st_size
    if size > max_upload_bytes():
        raise _refuse(
            f"The file is {size / 1e6:.1f} MB; the limit is "
            f"{max_upload_bytes() / 1e6:.0f} MB. Split it into several uploads or "
            "leave out columns you do not show."
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        raise _refuse("The file is empty. Upload a CSV or JSON lines file.")
    if head.startswith(UTF16_SIGNS):
        raise _refuse(
            "The file is UTF-16 text; save it as UTF-8 instead, e.g. “CSV UTF-8” in Excel or "
            "encoding='utf-8' in pandas."
        )
    _refuse_nul(path)
    if _is_json_lines(name, head):
        frame, all_columns = _read_json_lines(path, columns, optional)
        first_line = 1
    else:
        frame, all_columns = _read_csv(path, columns)
        first_line = 2  # line 1 is the header
    if frame.empty:
        raise _refuse("The file has no data rows, only a header.")
    return frame, first_line, all_columns


def _refuse_nul(path: Path) -> None:
    """A NUL byte is no text (and PostgreSQL cannot store one): say on which line it is."""
    lines = 1
    with path.open("rb") as handle:
        while chunk := handle.read(SCAN_BYTES):
            at = chunk.find(b"\x00")
            if at >= 0:
                line = lines + chunk.count(b"\n", 0, at)
                raise _refuse(
                    f"Line {line} holds a NUL byte (0x00), which no text has: the file may be "
                    "binary, or UTF-16. Save it as UTF-8 text, or remove the NUL bytes.",
                    rows=[line],
                )
            lines += chunk.count(b"\n")


def _not_utf8(error: UnicodeDecodeError, line: int) -> InvalidUpload:
    return _refuse(
        f"The file is not UTF-8 text (byte 0x{error.object[error.start]:02x} on line {line}). "
        "Save it as UTF-8, e.g. “CSV UTF-8” in Excel.",
        rows=[line],
    )


def _not_utf8_csv(path: Path) -> InvalidUpload:
    """The text reader decodes by blocks: find the line itself (only for a file found bad)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                return _not_utf8(error, number)
    return _refuse("The file is not UTF-8 text. Save it as UTF-8, e.g. “CSV UTF-8” in Excel.")


def _missing(columns: list[str], all_columns: list[str]) -> list[Problem]:
    found = ", ".join(f"“{quoted(c)[1:-1]}”" for c in all_columns[:20]) or "none"
    hint = ""
    if len(all_columns) == 1 and any(sep in all_columns[0] for sep in ";\t|"):
        hint = " The columns seem separated by another character than a comma: save as CSV."
    return [
        Problem(
            f"Missing column “{name}”. The file has the columns {found}; "
            f"choose the right column names or rename them in the file.{hint}",
            name,
        )
        for name in columns
        if name not in all_columns
    ]


# CSV -----------------------------------------------------------------------------------------


def _read_csv(path: Path, columns: list[str]) -> tuple[pd.DataFrame, list[str]]:
    header = _check_csv_structure(path)
    missing = _missing(columns, header)
    if missing:
        raise InvalidUpload(missing)
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            compression=None,  # never unpacked, whatever the name says
            usecols=lambda column: column in columns,
        )
    except (ValueError, pd.errors.ParserError, csv.Error) as error:
        raise _refuse(f"The file could not be read as CSV: {error}".strip()) from None
    return frame, header


def _check_csv_structure(path: Path) -> list[str]:
    """The header, once every row is known to have as many fields as it, and it repeats no
    name. (pandas would fill short rows and drop what is past the header without a word.)"""
    wrong: dict[str, list[int]] = {"more": [], "fewer": []}
    with path.open(encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        try:
            header = next(reader, [])
            width = len(header)
            for row in reader:
                if row and len(row) != width:
                    wrong["more" if len(row) > width else "fewer"].append(reader.line_num)
        except UnicodeDecodeError:
            raise _not_utf8_csv(path) from None
        except csv.Error as error:
            line = reader.line_num
            message = (
                f"Line {line} has a value longer than {FIELD_MAX_CHARS:,} characters; shorten "
                "it, or leave that column out of the file."
                if "field larger" in str(error)
                else f"Line {line} could not be read as CSV ({error}); check its quotes."
            )
            raise _refuse(message, rows=[line]) from None
    problems = _repeated_names(header)
    for kind, lines in wrong.items():
        if lines:
            problems.append(
                Problem(
                    f"Every row needs as many fields as the header ({width}); "
                    f"{rows_text(lines, len(lines))} {'has' if len(lines) == 1 else 'have'} "
                    f'{kind}. Quote values that hold a comma ("a, b"), and write empty '
                    "values as nothing between two commas.",
                    rows=lines[:ROWS_LISTED],
                )
            )
    if problems:
        raise InvalidUpload(problems)
    return header


def _repeated_names(header: list[str]) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for position, name in enumerate(header, start=1):
        if name in seen and name.strip():
            problems.append(
                Problem(
                    f"The header names “{quoted(name)[1:-1]}” twice (columns {seen[name]} and "
                    f"{position}); rename one, so it is clear which is meant.",
                    name,
                )
            )
        seen.setdefault(name, position)
    return problems


# JSON lines ----------------------------------------------------------------------------------


class _RepeatedKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise _RepeatedKey(f"the key {quoted(repeated)} appears twice in one object")
    return dict(pairs)


def _json_objects(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each line that is not blank."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
            if not line.strip():
                continue
            try:
                value = json.loads(line, object_pairs_hook=_unique_keys)
            except UnicodeDecodeError as error:
                raise _not_utf8(error, number) from None
            except RecursionError:
                raise _refuse(
                    f"Line {number} is nested too deeply to read; give each column a text or "
                    "a number.",
                    rows=[number],
                ) from None
            except ValueError as error:  # JSONDecodeError, _RepeatedKey
                raise _refuse(
                    f"Line {number} is not a valid JSON object: {error}. Each line must be one "
                    'JSON object, e.g. {"id": "t1", "score": 0.9}.',
                    rows=[number],
                ) from None
            if not isinstance(value, dict):
                raise _refuse(
                    f"Line {number} holds a JSON {type(value).__name__}, not an object. Each "
                    'line must be one JSON object, e.g. {"id": "t1", "score": 0.9}.',
                    rows=[number],
                )
            if b"\\u" in line and not storable(value):
                raise _refuse(
                    f"Line {number} has text with a NUL character (\\u0000) or a lone "
                    "surrogate (\\ud800-\\udfff); remove it.",
                    rows=[number],
                )
            yield number, value


_ABSENT = object()


def _read_json_lines(
    path: Path, columns: list[str], optional: frozenset[str]
) -> tuple[pd.DataFrame, list[str]]:
    values: dict[str, list[Any]] = {name: [] for name in columns}
    seen: dict[str, None] = {}
    lines = []
    for number, record in _json_objects(path):
        seen.update(dict.fromkeys(record))
        lines.append(number)
        for name in columns:
            values[name].append(record.get(name, _ABSENT))
    all_columns = list(seen)
    missing = _missing(columns, all_columns)
    if missing:
        raise InvalidUpload(missing)
    problems = []
    for name in columns:
        problems += _json_column_problems(name, values[name], lines, name in optional)
    if problems:
        raise InvalidUpload(problems)
    frame = pd.DataFrame(
        {name: [_as_text(value) for value in values[name]] for name in columns},
        dtype=object,
    )
    return frame, all_columns


def _json_column_problems(
    name: str, values: list[Any], lines: list[int], optional: bool
) -> list[Problem]:
    """Keys left out (or null) where a value is needed, and values that are no text or number:
    objects, lists, true or false."""
    kinds = {
        "none (the key is left out, or null)": lambda v: (
            not optional and (v is _ABSENT or v is None)
        ),
        "an object or a list": lambda v: isinstance(v, dict | list),
        "true or false": lambda v: not optional and isinstance(v, bool),
    }
    problems = []
    for words, wrong in kinds.items():
        at = [line for line, value in zip(lines, values, strict=True) if wrong(value)]
        if at:
            problems.append(
                Problem(
                    f"“{name}” needs text or a number on every line; {rows_text(at, len(at))} "
                    f"{'has' if len(at) == 1 else 'have'} {words}.",
                    name,
                    at[:ROWS_LISTED],
                )
            )
    return problems


def _as_text(value: Any) -> str:
    if value is _ABSENT or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)
