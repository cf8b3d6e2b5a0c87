"""Projects and their experiment log: /api/v1/projects/…

Every endpoint starts from lifecycle.access, as the pages do: a project the token's user may not
see is a 404, a write without the right is a 403.
"""

import re

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError

from lifecycle.access import (
    get_project_for_editor,
    get_project_for_reader,
    project_id_for_editor,
    readable_projects,
)
from lifecycle.models import Charter, Experiment, Project, Timebox
from lifecycle.selectors.projects import (
    criteria_with_latest_reading,
    last_log_at,
    latest_likelihood,
)
from lifecycle.services import EditConflict, document_save
from lifecycle.services.experiment_log import ReadingInput, experiment_add, readings_add_to_project
from lifecycle.weeks import parse_week, week_label, week_start

from .idempotency import KEY_SCHEMA, run_idempotently
from .requests import AuthedRequest, documented_header
from .schemas import (
    BODY_ERRORS,
    ERRORS,
    CharterOut,
    CharterPatchIn,
    ConflictOut,
    CriterionOut,
    DemoSummaryOut,
    ErrorOut,
    ExperimentIn,
    ExperimentOut,
    LatestReadingOut,
    LikelihoodOut,
    ProjectListOut,
    ProjectOut,
    ProjectSummaryOut,
    ReadingIn,
    ReadingOut,
    ReadingsCreatedOut,
    ReadingsIn,
    TeamOut,
)

router = Router(tags=["projects"])

DEFAULT_PAGE, MAX_PAGE = 50, 200


def _summaries(user):
    """Projects `user` may read, with the latest likelihood and last log time: two subqueries,
    so a page costs one query however many projects it holds."""
    latest_week = Timebox.objects.filter(project=OuterRef("pk"), likelihood__isnull=False)
    last_experiment = Experiment.objects.filter(project=OuterRef("pk")).order_by("-created_at")
    return (
        readable_projects(user)
        .select_related("team")
        .annotate(
            latest_likelihood=Subquery(
                latest_week.order_by("-week_start").values("likelihood")[:1]
            ),
            last_log=Subquery(last_experiment.values("created_at")[:1]),
        )
        .order_by("name", "pk")
    )


@router.get("", response={200: ProjectListOut, **ERRORS}, summary="List your projects")
def project_list(
    request: AuthedRequest,
    limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=2**31 - 1),
):
    """The projects the token's user may read, by name; `limit` (at most 200) and `offset` page."""
    projects = _summaries(request.auth)
    items = [
        ProjectSummaryOut(
            slug=p.slug,
            name=p.name,
            team=TeamOut(slug=p.team.slug, name=p.team.name),
            stage=p.stage,
            status=p.status,
            likelihood=p.latest_likelihood,
            last_log_at=p.last_log,
        )
        for p in projects[offset : offset + limit]
    ]
    return ProjectListOut(count=projects.count(), limit=limit, offset=offset, items=items)


def _project_out(project: Project) -> ProjectOut:
    timebox = latest_likelihood(project)
    charter = project.charter
    return ProjectOut(
        slug=project.slug,
        name=project.name,
        summary=project.summary,
        team=TeamOut(slug=project.team.slug, name=project.team.name),
        stage=project.stage,
        status=project.status,
        likelihood=LikelihoodOut(
            value=timebox.likelihood, reason=timebox.likelihood_reason, week=timebox.week
        )
        if timebox and timebox.likelihood is not None  # latest_likelihood: always set
        else None,
        last_log_at=last_log_at(project),
        criteria=[
            CriterionOut(
                name=c.name,
                kind=c.kind,
                metric=c.metric,
                unit=c.unit,
                baseline=c.baseline,
                target=c.target,
                direction=c.direction,
                # Value and time come from the same reading: both or neither.
                latest=LatestReadingOut(value=c.latest_value, at=c.latest_at)
                if c.latest_at is not None and c.latest_value is not None
                else None,
            )
            for c in criteria_with_latest_reading(project)
        ],
        charter=CharterOut(
            version=charter.version,
            **{name: getattr(charter, name) for name in charter.TEXT_FIELDS},
        ),
        demos=[DemoSummaryOut(**demo) for demo in project.demos.values("id", "title")],
    )


@router.get("/{slug:slug}", response={200: ProjectOut, **ERRORS}, summary="Read a project")
def project_read(request: AuthedRequest, slug: str, response: HttpResponse):
    """Stage, status, likelihood, criteria with their latest readings, the charter and the
    project's demos.

    The ETag header carries the charter's version, for `If-Match` on PATCH."""
    project = get_project_for_reader(request.auth, slug).project
    out = _project_out(project)
    response["ETag"] = f'"{out.charter.version}"'
    return out


# What _version_from_if_match reads, for the OpenAPI schema: a version, maybe quoted or weak.
IF_MATCH_PATTERN = r'^[\s\x1c-\x1f]*(W/)?"*[0-9]{1,9}"*[\s\x1c-\x1f]*$'


def _version_from_if_match(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise HttpError(
            400, f'If-Match must be the charter version you read, e.g. "3"; not {value[:40]}.'
        )
    return int(text)


@router.patch(
    "/{slug:slug}",
    response={200: ProjectOut, 409: ConflictOut, 428: ErrorOut, **BODY_ERRORS},
    summary="Change the charter",
)
def project_update(
    request: AuthedRequest,
    slug: str,
    payload: CharterPatchIn,
    response: HttpResponse,
    if_match: str | None = documented_header("If-Match", {"pattern": IF_MATCH_PATTERN}),
):
    """Change some charter fields. Send the charter `version` you read (in the body or as
    If-Match); if someone saved since, the answer is 409 with the current version and nothing
    changes."""
    access = get_project_for_editor(request.auth, slug)
    header_version = _version_from_if_match(if_match)
    version = payload.version if payload.version is not None else header_version
    if version is None:
        raise HttpError(
            428,
            'Send the charter version you read, as "version" in the body or as an If-Match '
            "header, so a change made since is not overwritten. GET the project to read it.",
        )
    if header_version is not None and header_version != version:
        raise HttpError(
            400, f"The body says version {version} and If-Match says {header_version}; send one."
        )
    fields = payload.changed_fields()
    if not fields:
        raise HttpError(422, f"Nothing to change: send one of {', '.join(Charter.TEXT_FIELDS)}.")
    try:
        document_save(
            instance=access.project.charter,
            fields=fields,
            expected_version=version,
            by=request.auth,
        )
    except EditConflict as conflict:
        current = conflict.current.version if isinstance(conflict.current, Charter) else 0
        return Status(
            409,
            ConflictOut(
                detail=f"The charter changed since version {version}; it is now at version "
                f"{current}. Read the project again, reapply your change and send "
                f"version {current}.",
                current_version=current,
            ),
        )
    project = Project.objects.select_related("team", "charter").get(pk=access.project.pk)
    out = _project_out(project)
    response["ETag"] = f'"{out.charter.version}"'
    return out


def _reading_inputs(readings: list[ReadingIn]) -> list[ReadingInput]:
    return [ReadingInput(r.criterion, r.value, r.at, r.source) for r in readings]


def _experiment_out(experiment: Experiment) -> ExperimentOut:
    return ExperimentOut(
        id=experiment.pk,
        week=week_label(experiment.timebox.week_start),
        position=experiment.position,
        title=experiment.title,
        hypothesis=experiment.hypothesis,
        what_was_done=experiment.what_was_done,
        result=experiment.result,
        outcome=experiment.outcome,
        links=experiment.links,
        created_at=experiment.created_at,
        readings=[
            ReadingOut(criterion=r.criterion.name, value=r.value, at=r.at, source=r.source)
            for r in experiment.readings.select_related("criterion").order_by("id")
        ],
    )


@router.post(
    "/{slug:slug}/experiments",
    response={201: ExperimentOut, **BODY_ERRORS},
    summary="Add an experiment to a week",
)
def experiment_create(
    request: AuthedRequest,
    slug: str,
    payload: ExperimentIn,
    response: HttpResponse,
    idempotency_key: str | None = documented_header("Idempotency-Key", KEY_SCHEMA),
):
    """Add an experiment to the week's plan (default: this week), with readings and the week's
    new likelihood. With an `Idempotency-Key` header, a retry returns the first response."""
    access = get_project_for_editor(request.auth, slug)
    monday = (
        parse_week(payload.week) if payload.week is not None else week_start(timezone.localdate())
    )

    def work():
        experiment = experiment_add(
            project=access.project,
            week_start=monday,
            title=payload.title,
            by=request.auth,
            hypothesis=payload.hypothesis,
            what_was_done=payload.what_was_done,
            result=payload.result,
            outcome=payload.outcome,
            links=payload.links,
            readings=_reading_inputs(payload.readings),
            likelihood=payload.likelihood,
            likelihood_reason=payload.likelihood_reason,
        )
        return 201, _experiment_out(experiment).model_dump(mode="json")

    status, body, replayed = run_idempotently(
        request, key=idempotency_key, payload=payload, work=work
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(status, body)


@router.post(
    "/{slug:slug}/readings",
    response={201: ReadingsCreatedOut, **BODY_ERRORS},
    summary="Add metric readings in a batch",
)
def readings_create(request: AuthedRequest, slug: str, payload: ReadingsIn):
    """Store up to 1000 readings of the project's success criteria: all of them, or none."""
    project_id = project_id_for_editor(request.auth, slug)
    created = readings_add_to_project(project_id, _reading_inputs(payload.readings), request.auth)
    # The busiest endpoint answers with a ready response, which ninja passes on as it is: its
    # schema check of a one-integer body cost a tenth of the request (the schema above still
    # documents it).
    return JsonResponse({"created": created}, status=201)
