"""Demos, their uploads and the upload jobs: /api/v1/projects/<slug>/demos, /api/v1/demos/…,
/api/v1/jobs/…

Access goes through lifecycle.access and demos.access, as on the pages. An upload is multipart
(a file and a few form fields), read by the page's own UploadForm, so the page and the API accept
and refuse the same things; processing runs as a background job that the client polls.
"""

import hashlib

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from ninja import Router, Status
from ninja.errors import HttpError
from pydantic import BaseModel

from config.jobs import QueueUnavailable
from demos.access import get_demo_for_editor, get_job_for_reader
from demos.forms import UploadForm, size_text
from demos.models import Dataset, JobStatus
from demos.scales import bands_from_json
from demos.selectors.drift import drift_words
from demos.services import demo_create, live
from demos.services.processing import max_upload_bytes
from demos.services.uploads import save_upload
from lifecycle.access import get_project_for_editor

from .idempotency import KEY_SCHEMA, run_idempotently
from .requests import AuthedRequest, documented_header
from .schemas import (
    BODY_ERRORS,
    ERRORS,
    NO_NUL,
    NOT_BLANK,
    BandOut,
    DatasetLiveOut,
    DatasetOut,
    DemoIn,
    DemoOut,
    DriftOut,
    ErrorOut,
    FieldErrorsOut,
    JobLiveOut,
    JobOut,
    LiveIn,
    ProblemOut,
    ScaleOut,
    UploadAcceptedOut,
)

router = Router(tags=["demos"])

MAX_ID = 2**31 - 1
# Room for the form fields and multipart boundaries around the file itself.
MULTIPART_OVERHEAD = 64 * 1024
UPLOAD_FIELDS = (
    "model_version",
    "live_of",
    "id_column",
    "score_column",
    "class_columns",
    "display_columns",
)
# What the API assumes for a field left out; the page's form shows the same as initial values.
UPLOAD_DEFAULTS = {"id_column": "id", "score_column": "score"}
FIELD_HINTS = {
    "file": "Send the model outputs as a multipart file part named `file`, "
    "e.g. curl -F file=@outputs.csv.",
    "model_version": "Name this model version in the field `model_version`, e.g. v3-distilbert.",
}


def _demo_out(demo) -> DemoOut:
    scale = demo.scale
    return DemoOut(
        id=demo.pk,
        title=demo.title,
        intro=demo.intro,
        scale=ScaleOut(
            kind=scale.kind,
            version=scale.version,
            bands=[BandOut(**band.__dict__) for band in bands_from_json(scale.bands)],
        ),
    )


def _replay_header(response: HttpResponse, replayed: bool) -> None:
    if replayed:
        response["Idempotent-Replayed"] = "true"


@router.post(
    "/projects/{slug:slug}/demos",
    response={201: DemoOut, **BODY_ERRORS},
    summary="Create a demo",
)
def demo_new(
    request: AuthedRequest,
    slug: str,
    payload: DemoIn,
    response: HttpResponse,
    idempotency_key: str | None = documented_header("Idempotency-Key", KEY_SCHEMA),
):
    """A demo in the project, with the preset rating scale of `scale` (default: labelled bands).
    Then upload model outputs to it. With an `Idempotency-Key` header, a retry returns the
    first response."""
    access = get_project_for_editor(request.auth, slug)

    def work():
        demo = demo_create(
            project=access.project,
            title=payload.title,
            intro=payload.intro,
            kind=payload.scale,
            by=request.auth,
        )
        return 201, _demo_out(demo).model_dump(mode="json")

    status, body, replayed = run_idempotently(
        request, key=idempotency_key, payload=payload, work=work
    )
    _replay_header(response, replayed)
    return Status(status, body)


class _UploadFingerprint(BaseModel):
    """What makes two uploads the same request, for Idempotency-Key."""

    file_sha256: str
    file_name: str
    fields: dict[str, str]


def _file_sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _read_multipart(request: AuthedRequest):
    """request.POST and request.FILES, or a 4xx saying what is wrong with the body."""
    if request.content_type != "multipart/form-data":
        raise HttpError(
            415,
            "Send the upload as multipart/form-data with the file in the part `file` "
            f"(this request said {request.content_type or 'nothing'}), "
            "e.g. curl -F file=@outputs.csv -F model_version=v1.",
        )
    try:
        return request.POST, request.FILES
    except RequestDataTooBig:
        raise HttpError(
            413, "The form fields besides the file are too large; send only the fields listed."
        ) from None
    except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError) as error:
        raise HttpError(400, f"The multipart body could not be read: {error}".strip()) from None


def _unknown_parts(post, files) -> dict | None:
    """A part the upload does not read is refused, as JSON bodies refuse unknown fields: a typo
    in `score_column` must not quietly upload with the default."""
    unknown = sorted((set(post) - set(UPLOAD_FIELDS)) | (set(files) - {"file"}))
    if not unknown:
        return None
    errors = [
        {"loc": ["form", name], "msg": "Unknown field.", "type": "unknown"} for name in unknown
    ]
    expected = ", ".join(("file", *UPLOAD_FIELDS))
    return {
        "detail": f"Unknown fields: {', '.join(unknown)[:200]}. Send {expected}.",
        "errors": errors,
    }


def _form_errors(form: UploadForm) -> tuple[int, str, list[dict]]:
    """The status and the message for an invalid upload form."""
    errors = []
    for field, field_errors in form.errors.as_data().items():
        for error in field_errors:
            message = " ".join(error.messages)
            if error.code == "required" and field in FIELD_HINTS:
                message = FIELD_HINTS[field]
            errors.append({"loc": ["form", field], "msg": message, "type": error.code or ""})
    decisive = [("file", "too_large", 413), ("file", "bad_type", 415)]
    decisive.append(("model_version", "duplicate", 409))
    for field, code, status in decisive:
        if form.has_error(field, code):
            return status, str(form.errors[field][0]), errors
    status = 422
    detail = "; ".join(f"{e['loc'][1]}: {e['msg']}" for e in errors[:3])
    return status, detail, errors


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "model_version"],
                    "additionalProperties": False,
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV (with a header row) or JSON lines, UTF-8, one "
                            "example per row.",
                        },
                        "model_version": {
                            "type": "string",
                            "maxLength": 80,
                            "pattern": NOT_BLANK,
                            "description": "A new name per upload, e.g. v3-distilbert.",
                        },
                        "live_of": {
                            "type": "string",
                            "maxLength": 80,
                            "pattern": NO_NUL,
                            "description": "Only for live traffic: the existing model version "
                            "(of this demo, ready) that scored these rows in production. Once "
                            "stored, the new dataset is marked as its live traffic and its "
                            "drift from it measured. Default: not live traffic.",
                        },
                        "id_column": {
                            "type": "string",
                            "maxLength": 120,
                            "pattern": NOT_BLANK,
                            "default": "id",
                        },
                        "score_column": {
                            "type": "string",
                            "maxLength": 120,
                            "pattern": NO_NUL,
                            "default": "score",
                            "description": "A number from 0 to 1 per row.",
                        },
                        "class_columns": {
                            "type": "string",
                            "pattern": NO_NUL,
                            "description": "Multi-class: two or more class columns, "
                            "comma-separated, instead of score_column.",
                        },
                        "display_columns": {
                            "type": "string",
                            "pattern": NO_NUL,
                            "description": "Columns shown on each card, comma-separated, e.g. "
                            "title,text. Default: none.",
                        },
                    },
                },
                "encoding": {"file": {"contentType": "text/csv, application/x-ndjson"}},
            }
        },
    }
}


@router.post(
    "/demos/{demo_id}/datasets",
    response={
        202: UploadAcceptedOut,
        **ERRORS,
        409: FieldErrorsOut,
        413: FieldErrorsOut,
        415: FieldErrorsOut,
        422: FieldErrorsOut,
        503: ErrorOut,
    },
    summary="Upload model outputs",
    openapi_extra=UPLOAD_BODY,
)
def dataset_upload(
    request: AuthedRequest,
    demo_id: int,
    response: HttpResponse,
    idempotency_key: str | None = documented_header("Idempotency-Key", KEY_SCHEMA),
):
    """Upload one model version's outputs as multipart/form-data: `file` (CSV or JSON lines) and
    `model_version` are required; `id_column` defaults to "id" and `score_column` to "score";
    `class_columns` (comma-separated) replaces the score for a multi-class model;
    `display_columns` (comma-separated) are shown on each card, none by default. `live_of` names
    the model version whose production scores these are: the new dataset is then marked as its
    live traffic, with its drift, when the job succeeds (an unknown version: 422, nothing stored).

    The answer is 202 with the job to poll; the file is checked completely in the background and
    becomes a dataset only if all of it is good. Over the size limit: 413; an existing model
    version: 409; the background queue (Redis) not reachable: 503, nothing stored, try again
    later. With an `Idempotency-Key` header, a retry of the same upload (same file and fields)
    returns the first job instead of uploading again."""
    if not 1 <= demo_id <= MAX_ID:
        raise Http404("No such demo.")
    access = get_demo_for_editor(request.auth, demo_id)
    demo = access.demo
    limit = max_upload_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + MULTIPART_OVERHEAD:  # refused before reading the body
        raise HttpError(
            413,
            f"The upload is {size_text(length)}; the limit is {size_text(limit)}. Split it into "
            "several uploads or leave out columns you do not show.",
        )
    post, files = _read_multipart(request)
    if unknown := _unknown_parts(post, files):
        return Status(422, unknown)
    data = {**UPLOAD_DEFAULTS, **{name: post[name] for name in UPLOAD_FIELDS if name in post}}
    form = UploadForm(data, files, demo=demo)

    def work():
        if not form.is_valid():
            status, detail, errors = _form_errors(form)
            raise _Refused(status, detail, errors)
        job = save_upload(
            demo=demo,
            uploaded=form.cleaned_data["file"],
            model_version=form.cleaned_data["model_version"],
            columns=form.columns(),
            by=request.auth,
            live_of=form.cleaned_data["live_of"],
        )
        job_url = request.build_absolute_uri(reverse("api:job_read", args=[job.pk]))
        return 202, UploadAcceptedOut(job_id=job.pk, job_url=job_url).model_dump(mode="json")

    fingerprint = None
    if idempotency_key is not None:
        uploaded = files.get("file")
        fingerprint = _UploadFingerprint(
            file_sha256=_file_sha256(uploaded) if uploaded else "",
            file_name=uploaded.name if uploaded else "",
            fields={name: str(value) for name, value in sorted(data.items())},
        )
    try:
        status, body, replayed = run_idempotently(
            request, key=idempotency_key, payload=fingerprint, work=work
        )
    except _Refused as refused:
        return Status(refused.status, {"detail": refused.detail, "errors": refused.errors})
    except QueueUnavailable as unavailable:  # before anything was stored, or the key claimed
        response["Retry-After"] = "60"
        return Status(503, {"detail": unavailable.message})
    _replay_header(response, replayed)
    response["Location"] = body["job_url"]
    return Status(status, body)


class _Refused(Exception):
    """An upload form refused inside run_idempotently: nothing is stored, nor the key."""

    def __init__(self, status: int, detail: str, errors: list[dict]):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **ERRORS},
    summary="Follow an upload job",
    url_name="job_read",
)
def job_read(request: AuthedRequest, job_id: int):
    """Poll until `status` is succeeded (then `dataset` holds the stored rows) or failed (then
    `error` sums up and `problems` lists every problem with its column and file lines). An
    upload sent with `live_of` says in `live` whether it is marked as live traffic, with its
    drift; a succeeded job lists what to know anyway in `warnings`."""
    if not 1 <= job_id <= MAX_ID:
        raise Http404("No such job.")
    job = get_job_for_reader(request.auth, job_id)
    dataset = job.dataset if job.status == JobStatus.SUCCEEDED else None
    job_live = job.live
    return JobOut(
        id=job.pk,
        status=job.status,  # type: ignore[arg-type]  # a JobStatus value, as the schema lists
        progress=job.progress,
        error=job.error,
        problems=[_problem_out(p) for p in job.problems],
        dataset=DatasetOut(
            id=dataset.pk, model_version=dataset.model_version, rows=dataset.row_count
        )
        if dataset
        else None,
        warnings=[_problem_out(w) for w in job.warnings],
        live=JobLiveOut(
            live_of=job_live.live_of,
            state=job_live.state,  # type: ignore[arg-type]  # a JobLiveState value
            message=job_live.message,
            drift=_drift_out(job_live.dataset) if job_live.dataset else None,
        )
        if job_live
        else None,
    )


def _problem_out(problem: dict) -> ProblemOut:
    return ProblemOut(
        message=problem.get("message", ""),
        column=problem.get("column", ""),
        rows=problem.get("rows", []),
    )


def _drift_out(dataset: Dataset) -> DriftOut | None:
    """The drift stored on a live dataset (`live_of` loaded), or None."""
    # The write that marks a dataset stores its PSI and when together.
    if dataset.live_of is None or dataset.drift_psi is None or dataset.drift_checked_at is None:
        return None
    return DriftOut(
        psi=dataset.drift_psi,
        level=dataset.drift_level,  # type: ignore[arg-type]  # a DriftLevel value
        words=drift_words(dataset.drift_psi, version=dataset.live_of.model_version)[1],
        checked_at=dataset.drift_checked_at,
    )


# Live traffic ---------------------------------------------------------------------------------


def _dataset_for_editor(user, demo_id: int, dataset_id: int) -> Dataset:
    """A dataset of a demo the user may change: 404 for outsiders (and unknown ids), 403 for
    readers, as for the demo itself."""
    if not (1 <= demo_id <= MAX_ID and 1 <= dataset_id <= MAX_ID):
        raise Http404("No such dataset.")
    demo = get_demo_for_editor(user, demo_id).demo
    dataset = demo.datasets.filter(pk=dataset_id).first()
    if dataset is None:
        raise Http404("No such dataset.")
    dataset.demo = demo  # loaded with its project and scale by the access check
    return dataset


def _live_out(dataset: Dataset) -> DatasetLiveOut:
    return DatasetLiveOut(
        id=dataset.pk,
        model_version=dataset.model_version,
        rows=dataset.row_count,
        live_of=dataset.live_of.model_version if dataset.live_of else None,
        drift=_drift_out(dataset),
    )


LIVE_PATH = "/demos/{demo_id}/datasets/{dataset_id}/live"


@router.put(
    LIVE_PATH,
    response={200: DatasetLiveOut, **BODY_ERRORS},
    summary="Mark a dataset as live traffic",
)
def dataset_live_mark(request: AuthedRequest, demo_id: int, dataset_id: int, payload: LiveIn):
    """Mark the dataset as live traffic served by the model version `live_of` (another ready
    version of the same demo, not live traffic itself, of the same kind), and measure its drift
    from that version: the answer holds the PSI and its level in words. Marking it again with
    another version replaces the first. A version that cannot serve it: 422 saying which can.
    Editors and owners only. The same as a file uploaded with `live_of`."""
    dataset = _dataset_for_editor(request.auth, demo_id, dataset_id)
    reference = live.reference_named(demo=dataset.demo, model_version=payload.live_of)
    return _live_out(live.dataset_mark_live(dataset=dataset, reference=reference))


@router.delete(
    LIVE_PATH,
    response={200: DatasetLiveOut, **ERRORS},
    summary="Unmark live traffic",
)
def dataset_live_unmark(request: AuthedRequest, demo_id: int, dataset_id: int):
    """The dataset is no longer live traffic: its link to the version serving it and its drift
    are cleared (monitoring stops watching it). A dataset that was not marked stays as it is.
    Editors and owners only."""
    dataset = _dataset_for_editor(request.auth, demo_id, dataset_id)
    return _live_out(live.dataset_unmark_live(dataset=dataset))
