"""The hostile-input corpus: each entry is one input, where it goes, and what must come of it.

Small inputs are files in files/; big ones (5 MB fields, 10,000 columns, zip and gzip bombs, deep
nesting, 1 MB texts) are made when the test runs. An outcome is either a refusal (an HTTP 4xx, or
an upload job that fails) whose message holds every fragment in `says`, the words that tell the
person what to change; or an acceptance, for inputs that are harmless once stored as text (they
must then be rendered or exported harmless, which the tests check).

test_uploads.py, test_text.py and test_api.py run the entries; each is its own test id.
"""

import gzip
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FILES = Path(__file__).parent / "files"

# Uploads: POST /api/v1/demos/<id>/datasets (the page's form and the API share UploadForm) -------

ACCEPTED = 202  # the upload is taken and its job refuses it, or stores it


@dataclass
class Upload:
    id: str
    file: str = ""  # a name in files/
    make: Callable[[], bytes] | None = None  # or the bytes made at test time
    name: str = ""  # the file name sent (default: `file`, or outputs.csv)
    fields: dict[str, str] = field(default_factory=dict)
    status: int = ACCEPTED  # the HTTP answer
    says: tuple[str, ...] = ()  # in the answer's detail, or in the failed job's problems
    stored: int = 0  # rows stored: 0 for every refusal

    def content(self) -> bytes:
        return self.make() if self.make else (FILES / self.file).read_bytes()

    @property
    def filename(self) -> str:
        return self.name or self.file or "outputs.csv"


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def five_mb_field() -> bytes:
    return _csv(["id", "score", "title"], [["t1", "0.5", "x" * 5_000_000]])


def long_shown_text() -> bytes:
    return _csv(["id", "score", "title", "text"], [["t1", "0.5", "a" * 60_000, "b" * 60_000]])


def five_mb_id() -> bytes:
    return _csv(["id", "score"], [["i" * 120_000, "0.5"]])


def ten_thousand_columns() -> bytes:
    names = ["id", "score", *(f"c{n}" for n in range(9_998))]
    return _csv(names, [["t1", "0.5", *("1" * 9_998)], ["t2", "0.25", *("2" * 9_998)]])


def ten_thousand_shown_columns() -> str:
    return ",".join(f"c{n}" for n in range(10_000))


def zip_bomb() -> bytes:
    """A zip whose one entry unpacks to 200 MB of zeros (about 200 KB packed)."""
    buffer = io.BytesIO()
    block = b"0" * (1 << 20)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("outputs.csv", "w") as entry,
    ):
        entry.write(b"id,score\n")
        for _ in range(200):
            entry.write(block)
    return buffer.getvalue()


def gzip_bomb() -> bytes:
    """gzip of 200 MB of one byte (about 200 KB)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as packed:
        packed.write(b"id,score\n")
        block = b"1" * (1 << 20)
        for _ in range(200):
            packed.write(block)
    return buffer.getvalue()


def deep_json_line() -> bytes:
    return b'{"id": "t1", "score": 0.5, "title": ' + b"[" * 10_000 + b"]" * 10_000 + b"}\n"


def long_json_line() -> bytes:
    return json.dumps({"id": "t1", "score": 0.5, "title": "y" * 150_000}).encode() + b"\n"


def many_bad_lines() -> bytes:
    return _csv(["id", "score"], [[f"t{n}", "oops"] for n in range(5_000)])


NOT_UTF8 = "Save it as UTF-8"
NOT_A_TABLE = "Upload a CSV"
FIELDS = "as many fields as the header"
JSON_OBJECT = "Each line must be one JSON object"
TEXT_OR_NUMBER = "needs text or a number"
NUMBER = "must be a number from 0 to 1"
RANGE = "must be between 0 and 1"
NUL = "NUL"
SHOWN = {"display_columns": "title"}

UPLOADS = [
    # Encodings and bytes
    Upload("binary-garbage", "garbage.bin", name="outputs.csv", says=(NUL,)),
    Upload("utf-16-with-bom", "utf16.csv", says=("UTF-16", "UTF-8")),
    Upload("utf-16-without-bom", "utf16_no_bom.csv", says=(NUL, "UTF-8")),
    Upload("latin-1", "latin1.csv", fields=SHOWN, says=(NOT_UTF8, "line 2")),
    Upload("utf-8-bom-csv", "bom.csv", fields=SHOWN, stored=1),
    Upload("utf-8-bom-json-lines", "bom.jsonl", fields=SHOWN, stored=1),
    Upload("surrogate-bytes", "surrogate_bytes.csv", fields=SHOWN, says=(NOT_UTF8,)),
    Upload("nul-in-a-field", "nul_in_field.csv", fields=SHOWN, says=(NUL, "Line 2")),
    Upload("nul-in-an-id", "nul_in_id.csv", says=(NUL, "Line 2")),
    Upload("nul-escaped-in-json", "nul_escaped.jsonl", fields=SHOWN, says=("\\u0000",)),
    Upload("lone-surrogate-in-json", "lone_surrogate.jsonl", fields=SHOWN, says=("surrogate",)),
    # Sizes
    Upload("five-mb-field", make=five_mb_field, fields=SHOWN, says=("longer than 131,072",)),
    Upload("five-mb-field-unused", make=five_mb_field, says=("longer than 131,072",)),
    Upload(
        "shown-text-over-100k",
        make=long_shown_text,
        fields={"display_columns": "title,text"},
        says=("at most 100,000 characters", "show fewer columns"),
    ),
    Upload(
        "json-line-over-100k",
        make=long_json_line,
        name="o.jsonl",
        fields=SHOWN,
        says=("at most 100,000 characters",),
    ),
    Upload("id-of-120k-characters", make=five_mb_id, says=("Ids are at most 200 characters",)),
    Upload("ten-thousand-columns-two-read", make=ten_thousand_columns, stored=2),
    Upload(
        "ten-thousand-columns-all-shown",
        make=ten_thousand_columns,
        fields={"display_columns": ten_thousand_shown_columns()},
        status=422,
        says=("display_columns", "at most 5000 characters"),
    ),
    Upload(
        "sixty-shown-columns",
        make=ten_thousand_columns,
        fields={"display_columns": ",".join(f"c{n}" for n in range(60))},
        status=422,
        says=("At most 50 columns are shown",),
    ),
    Upload("five-thousand-bad-scores", make=many_bad_lines, says=(NUMBER, "and 4990 more")),
    Upload("deeply-nested-json-line", make=deep_json_line, name="o.jsonl", says=("Line 1",)),
    # Archives, and files that are no table
    Upload("zip-bomb", make=zip_bomb, name="outputs.zip", status=415, says=("a zip archive",)),
    Upload("zip-bomb-named-csv", make=zip_bomb, status=415, says=("a zip archive",)),
    Upload("gzip-bomb", make=gzip_bomb, name="outputs.csv.gz", status=415, says=("gzip",)),
    Upload("gzip-bomb-named-csv", make=gzip_bomb, status=415, says=("a gzip archive",)),
    Upload("png-named-csv", "png_named.csv", status=415, says=("a PNG image", NOT_A_TABLE)),
    Upload("pdf-named-csv", "pdf_named.csv", status=415, says=("a PDF", NOT_A_TABLE)),
    Upload("parquet", "parquet.parquet", status=415, says=("a Parquet file",)),
    Upload("old-excel", "old_excel.csv", status=415, says=("an old Excel workbook",)),
    Upload("xlsx-extension", "workbook.xlsx", status=415, says=("a .xlsx file", NOT_A_TABLE)),
    Upload("html-page", "script.html", status=415, says=("a .html file",)),
    Upload("empty-file", "empty.csv", status=422, says=("empty",)),
    Upload("blank-lines-only", "blank_lines.csv", says=("empty",)),
    Upload("header-only", "header_only.csv", says=("no data rows",)),
    # CSV structure
    Upload("too-many-fields", "too_many_fields.csv", fields=SHOWN, says=(FIELDS, "line 2")),
    Upload("too-few-fields", "too_few_fields.csv", fields=SHOWN, says=(FIELDS, "line 2")),
    Upload("unclosed-quote", "unclosed_quote.csv", fields=SHOWN, says=("could not be read",)),
    Upload("repeated-header-name", "repeated_header.csv", says=("“score” twice", "rename")),
    Upload("semicolon-separated", "semicolons.csv", says=("Missing column “id”", "comma")),
    # JSON lines structure
    Upload("broken-json-line", "broken.jsonl", says=("Line 2", JSON_OBJECT)),
    Upload("json-line-not-an-object", "not_objects.jsonl", says=("Line 2", "JSON list")),
    Upload("json-array-not-lines", "array.json", says=("Line 1", JSON_OBJECT)),
    Upload("json-repeated-key", "repeated_key.jsonl", says=("'score' appears twice",)),
    Upload("json-true-as-score", "bool_score.jsonl", says=(TEXT_OR_NUMBER, "true or false")),
    Upload("json-object-shown", "nested_value.jsonl", fields=SHOWN, says=(TEXT_OR_NUMBER,)),
    Upload("json-object-as-id", "object_id.jsonl", says=("“id”", TEXT_OR_NUMBER)),
    Upload("json-null-id", "null_id.jsonl", says=("“id”", "null")),
    Upload("json-missing-id", "missing_id.jsonl", says=("“id”", "left out")),
    # Scores and ids
    Upload("nan-scores", "nan.csv", says=(NUMBER, "lines 2, 3")),
    Upload("infinite-scores", "inf.csv", says=(RANGE, "Rescale")),
    Upload("score-1e309", "1e309.csv", says=(RANGE,)),
    Upload("json-nan-score", "nan.jsonl", says=(NUMBER,)),
    Upload("json-score-1e309", "1e309.jsonl", says=(RANGE,)),
    Upload("json-score-2-to-the-70", "huge_int_score.jsonl", says=(RANGE,)),
    Upload("empty-score", "empty_score.csv", says=(NUMBER, "line 2")),
    Upload("scores-as-words", "score_text.csv", says=(NUMBER, "'high'")),
    Upload("scores-out-of-range", "score_out_of_range.csv", says=(RANGE, "1.5")),
    Upload("duplicated-ids", "duplicate_ids.csv", says=("Ids must be unique", "“t1”")),
    Upload("missing-ids", "missing_ids.csv", says=("needs an id", "line 2")),
    # Harmless as text: stored verbatim, neutralised wherever exported
    Upload("formula-injection", "formula.csv", fields=SHOWN, stored=5),
    # The form's own fields
    Upload(
        "one-class-column",
        "formula.csv",
        fields={"class_columns": "title"},
        status=422,
        says=("two class columns",),
    ),
    Upload(
        "model-version-with-nul",
        "bom.csv",
        fields={"model_version": "v\x001"},
        status=422,
        says=("Null characters",),
    ),
]


# Markdown and text fields ----------------------------------------------------------------------


@dataclass
class Text:
    id: str
    text: str | Callable[[], str]
    # What must never reach the page (compared case-insensitively), when the text is accepted.
    never: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()  # or: the words of the refusal

    def value(self) -> str:
        return self.text() if callable(self.text) else self.text


TEXTS = [
    Text("script-tag", "Hello <script>alert('x')</script>", never=("<script>alert",)),
    Text("script-uppercase", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", never=("evil.example",)),
    Text("img-onerror", '<img src=x onerror="alert(1)">', never=("onerror",)),
    Text("body-onload", "<body onload=alert(1)>", never=("onload",)),
    Text("markdown-javascript-link", "[click](javascript:alert(1))", never=('href="javascript',)),
    Text("html-javascript-link", '<a href="javascript:alert(1)">x</a>', never=("javascript:",)),
    Text(
        "encoded-javascript-link", '<a href="jav&#x09;ascript:alert(1)">x</a>', never=('href="jav',)
    ),
    Text(
        "reference-javascript-link",
        "[x][1]\n\n[1]: javascript:alert(1)",
        never=('href="javascript',),
    ),
    Text("autolink-javascript", "<javascript:alert(1)>", never=('href="javascript',)),
    Text("data-link", "[x](data:text/html;base64,PHNjcmlwdD4=)", never=("data:text",)),
    Text("data-image", "![x](data:image/svg+xml;base64,PHN2Zz4=)", never=("data:image",)),
    Text("svg-with-script", "<svg><script>alert(1)</script></svg>", never=("<svg", "alert(1)")),
    Text("svg-onload", "<svg onload=alert(1)>", never=("<svg", "onload")),
    Text("iframe", '<iframe src="https://evil.example"></iframe>', never=("<iframe",)),
    Text("style-attribute", '<p style="background:url(javascript:x)">x</p>', never=("style=",)),
    Text("style-tag", "<style>body{display:none}</style>", never=("display:none",)),
    Text("form-and-input", '<form action="https://evil.example"><input name=p>', never=("<form",)),
    Text("rtl-override", "invoice\u202egnp.exe", never=("\u202e",)),
    Text("rtl-isolate", "a\u2067b\u2069c", never=("\u2067",)),
    Text("one-megabyte", lambda: "word " * 200_000, refused=("20,000 characters",)),
    Text("over-the-limit-by-one", lambda: "x" * 20_001, refused=("20,000 characters",)),
    Text("brackets-at-the-limit", lambda: "[" * 10_000 + "]" * 10_000),
    Text("link-openers-at-the-limit", lambda: "[a](" * 5_000),
]


# API bodies -----------------------------------------------------------------------------------


@dataclass
class Api:
    id: str
    endpoint: str  # readings, experiments, charter, demo
    body: str | bytes | Callable[[], str | bytes]
    status: int
    says: tuple[str, ...] = ()
    content_type: str = "application/json"

    def raw(self) -> str | bytes:
        return self.body() if callable(self.body) else self.body


def _json(value: object) -> str:
    return json.dumps(value)


def _reading(**changes: object) -> str:
    return _json({"readings": [{"criterion": "Recall", "value": 0.5, **changes}]})


def _deep(levels: int) -> str:
    return '{"readings": ' + "[" * levels + "]" * levels + "}"


def _readings(count: int) -> str:
    return _json({"readings": [{"criterion": "Recall", "value": 0.5}] * count})


def _experiment(**changes: object) -> str:
    return _json({"title": "Baseline", "hypothesis": "It works.", **changes})


def _charter(**changes: object) -> str:
    return _json({"version": 1, **changes})


APIS = [
    # Types
    Api("reading-value-as-string", "readings", _reading(value="0.5"), 422, ("readings[0].value",)),
    Api("reading-value-true", "readings", _reading(value=True), 422, ("readings[0].value",)),
    Api("reading-value-null", "readings", _reading(value=None), 422, ("readings[0].value",)),
    Api("reading-criterion-number", "readings", _reading(criterion=5), 422, ("criterion",)),
    Api("reading-unknown-field", "readings", _reading(extra=1), 422, ("extra",)),
    Api("readings-not-a-list", "readings", _json({"readings": {"a": 1}}), 422, ("readings",)),
    Api("body-is-a-list", "readings", "[]", 422, ("not a JSON object",)),
    Api("body-is-null", "readings", "null", 422, ("not a JSON object",)),
    Api("body-is-a-string", "readings", '"readings"', 422, ("not a JSON object",)),
    Api("empty-body", "readings", "", 400, ("The body is empty",)),
    # Numbers
    Api(
        "value-1e400",
        "readings",
        '{"readings": [{"criterion": "Recall", "value": 1e400}]}',
        422,
        ("finite",),
    ),
    Api(
        "value-NaN",
        "readings",
        '{"readings": [{"criterion": "Recall", "value": NaN}]}',
        400,
        ("NaN is not a JSON number",),
    ),
    Api(
        "value-minus-Infinity",
        "readings",
        '{"readings": [{"criterion": "Recall", "value": -Infinity}]}',
        400,
        ("Infinity",),
    ),
    Api(
        "charter-version-2-to-the-70",
        "charter",
        _charter(version=2**70, problem="x"),
        422,
        ("version",),
    ),
    Api(
        "charter-version-negative", "charter", _charter(version=-1, problem="x"), 422, ("version",)
    ),
    Api("charter-version-float", "charter", _charter(version=1.5, problem="x"), 422, ("version",)),
    Api(
        "likelihood-2-to-the-70", "experiments", _experiment(likelihood=2**70), 422, ("likelihood",)
    ),
    Api("likelihood-as-string", "experiments", _experiment(likelihood="50"), 422, ("likelihood",)),
    Api(
        "reading-time-year-99999",
        "readings",
        _reading(at="99999-01-01T00:00:00Z"),
        422,
        ("readings[0].at",),
    ),
    Api(
        "reading-time-year-1",
        "readings",
        _reading(at="0001-01-01T00:00:00+14:00"),
        422,
        ("between the years 1900 and 2200",),
    ),
    # Structure
    Api("nesting-10000-levels", "readings", lambda: _deep(10_000), 400, ("not valid JSON",)),
    Api("nesting-500-levels", "readings", lambda: _deep(500), 422, ("readings",)),
    Api(
        "duplicate-keys",
        "readings",
        '{"readings": [{"criterion": "Recall", "value": 0.5, "value": 0.9}]}',
        400,
        ('"value" appears twice',),
    ),
    Api(
        "duplicate-top-level-keys",
        "charter",
        '{"version": 1, "problem": "a", "problem": "b"}',
        400,
        ('"problem" appears twice',),
    ),
    Api("readings-1000", "readings", lambda: _readings(1_000), 201),
    Api("readings-1001", "readings", lambda: _readings(1_001), 422, ("at most 1000",)),
    # Text in bodies
    Api("nul-in-text", "experiments", _experiment(title="a\x00b"), 400, ("NUL",)),
    Api(
        "lone-surrogate",
        "experiments",
        '{"title": "\\ud800", "hypothesis": "x"}',
        400,
        ("surrogate",),
    ),
    Api(
        "invalid-utf8",
        "experiments",
        b'{"title": "\xff\xfe", "hypothesis": "x"}',
        400,
        ("not valid JSON",),
    ),
    Api(
        "experiment-text-one-megabyte",
        "experiments",
        lambda: _experiment(result="w" * 1_000_000),
        422,
        ("result", "20000"),
    ),
    Api(
        "charter-one-megabyte",
        "charter",
        lambda: _charter(problem="w" * 1_000_000),
        422,
        ("problem", "20000"),
    ),
    Api(
        "demo-intro-one-megabyte",
        "demo",
        lambda: _json({"title": "D", "intro": "w" * 1_000_000}),
        422,
        ("intro", "10000"),
    ),
    Api(
        "javascript-link",
        "experiments",
        _experiment(links=["javascript:alert(1)"]),
        422,
        ("https://",),
    ),
    Api("title-too-long", "experiments", _experiment(title="t" * 201), 422, ("title",)),
    # Content types
    Api(
        "form-encoded",
        "readings",
        "readings=1",
        415,
        ("Content-Type: application/json",),
        content_type="application/x-www-form-urlencoded",
    ),
    Api(
        "text-plain-json",
        "readings",
        _readings(1),
        415,
        ("application/json",),
        content_type="text/plain",
    ),
    Api(
        "multipart-to-json-endpoint",
        "experiments",
        "--x--",
        415,
        ("application/json",),
        content_type="multipart/form-data; boundary=x",
    ),
    Api("xml", "charter", "<charter/>", 415, ("application/json",), content_type="application/xml"),
]


# Spreadsheet formulas: text that must reach every CSV export as text ---------------------------

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(1;2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


def count() -> int:
    return len(UPLOADS) + len(TEXTS) + len(APIS) + len(FORMULAS)
