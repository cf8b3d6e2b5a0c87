"""Schemathesis fuzzes every API operation against the OpenAPI schema, with every check it has
(no server error; status code, content type, headers and body as the schema says; schema-valid
requests accepted and schema-violating ones refused; missing auth refused; ...).

Two passes over every operation: with a real token of the owner of a project, demo, datasets and
an upload job (half the well-typed paths name those, so requests reach the handlers' real code,
not only 404s; each operation must answer at least one 2xx), and without a token (every answer a
401, or a 404/405 for a path or method no operation has). Hypothesis is derandomised: the same
cases run every time, 30 generated per operation and mode plus schemathesis' coverage cases
(about 850 requests a pass). Run with -s to see each operation's count of requests by status.

Rules no JSON Schema can state (a criterion or model version must exist, one version in the
body or If-Match, class columns instead of a score column) are kept by the schema-valid cases
as a client that read the project would keep them; everything else the schema states
(api/schemas.py), and the API refuses exactly what it says.
"""

import collections
import hashlib

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks

from api.services import api_token_create
from demos.models import JobStatus
from demos.services import demo_create
from demos.services.processing import Columns
from demos.services.uploads import save_upload
from tests.factories import add_criterion

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
FUZZ = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# The real objects the generated paths may name, and the owner's token (set by `portfolio`).
targets: dict[str, object] = {}

CSV = "id,score,title\nt1,0.9,First\nt2,0.4,Second\nt3,0.1,Third\n"


def _digest(value) -> int:
    return int(hashlib.sha256(repr(value).encode()).hexdigest(), 16)


def _name_real_objects(case):
    """Half the cases whose path is well-typed name the owner's real project, demo, dataset or
    job, so they reach the handlers' code and not only a 404."""
    params = case.path_parameters or {}
    well_typed = all(type(v) is (str if k == "slug" else int) for k, v in params.items())
    if params and well_typed and _digest(sorted(params.items())) % 2 == 0:
        for name in params:
            params[name] = targets[name]


# Schemathesis makes some cases before the fixtures run: each is completed as it is sent.
@schemathesis.hook
def before_call(context, case, kwargs):
    if not targets:  # not one of this module's tests
        return
    if targets["token"] is None:
        (case.headers or {}).pop("Authorization", None)
    elif "Authorization" in (case.headers or {}):  # left out where a missing one is tested
        case.headers["Authorization"] = f"Bearer {targets['token']}"
    _complete(case)


def _complete(case):
    """Cases name real objects; schema-valid ones also keep the rules that span fields or other
    objects, as a client that read them would (no JSON Schema states those: POSITIVE_RULES)."""
    _name_real_objects(case)
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    rule = POSITIVE_RULES.get(case.operation.label)
    if rule is not None and isinstance(case.body, dict):
        rule(case)
    key = (case.headers or {}).get("Idempotency-Key")
    if key is not None:
        # A new key for each new request: a key names one request body (422 for another).
        case.headers["Idempotency-Key"] = f"{_digest(case.body) % 10**12}-{key}"[:255].rstrip()


def _real_criteria(case):
    """Readings name the project's criterion; unknown names are a 422 saying which exist."""
    for reading in case.body.get("readings") or []:
        if isinstance(reading, dict):
            reading["criterion"] = "Recall"


def _one_charter_version(case):
    """The version read goes in the body or If-Match (428 without, 400 if they differ)."""
    header = (case.headers or {}).get("If-Match")
    version = case.body.get("version")  # null is the same as left out
    if version is not None and header is not None:
        case.headers["If-Match"] = f'"{version}"'
    elif version is None and header is None:
        case.body["version"] = 1


def _a_version_that_can_serve(case):
    """Live traffic is served by another ready version of the demo (422 saying which can)."""
    serving = "v1" if case.path_parameters.get("dataset_id") == targets.get("v2_id") else "v2"
    case.body["live_of"] = serving


@st.composite
def model_outputs(draw):
    """A CSV of model outputs, as the upload's `file` (text/csv) says: ids and scores from 0
    to 1; what the job then makes of the columns named is the job's report, not the request's."""
    rows = draw(st.lists(st.floats(0, 1), min_size=1, max_size=5))
    return ("id,score\n" + "".join(f"r{i},{score}\n" for i, score in enumerate(rows))).encode()


schemathesis.openapi.media_type("text/csv", model_outputs())


@schema.hook
def filter_case(context, case):
    """Schema-valid uploads keep the rules between fields, and name a real version as
    `live_of`: class columns (two or more) replace the score column, which then must be named;
    the demo's versions are no schema's to list. (Ordinary uploads are most of them.)"""
    if case.operation.label != "POST /api/v1/demos/{demo_id}/datasets":
        return True
    body = case.body if isinstance(case.body, dict) else {}
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return True
    score = body.get("score_column", "score")
    return (
        not str(body.get("class_columns", "")).strip()
        and str(score).strip() != ""
        and body.get("live_of", "") in ("", "v1", "v2")
    )


POSITIVE_RULES = {
    "POST /api/v1/projects/{slug}/experiments": _real_criteria,
    "POST /api/v1/projects/{slug}/readings": _real_criteria,
    "PATCH /api/v1/projects/{slug}": _one_charter_version,
    "PUT /api/v1/demos/{demo_id}/datasets/{dataset_id}/live": _a_version_that_can_serve,
}


def _upload(demo, owner, version):
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("outputs.csv", CSV.encode()),
        model_version=version,
        columns=Columns(id="id", score="score", classes=[], display=["title"]),
        by=owner,
    )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.problems
    return job


@pytest.fixture
def portfolio(request, transactional_db, project, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    add_criterion(project, owner, name="Recall", target=0.6)
    demo = demo_create(project=project, title="Which tickets are urgent?", by=owner)
    first = _upload(demo, owner, "v1")
    second = _upload(demo, owner, "v2")
    targets.update(
        slug=project.slug,
        demo_id=demo.pk,
        dataset_id=first.dataset_id,
        job_id=first.pk,
        v2_id=second.dataset_id,
    )
    _, token = api_token_create(user=owner, name="fuzz")
    targets["token"] = token if "for_the_owner" in request.node.name else None
    yield
    targets.clear()


@pytest.fixture
def answers(request):
    """The statuses one operation answered in one pass; checked once all its cases have run."""
    tally = collections.Counter()
    yield tally
    label = request.node.name.partition("[")[2].rstrip("]")
    print(f"\n{request.node.originalname} {label}: {sum(tally.values())} requests, {dict(tally)}")
    if "for_the_owner" in request.node.name:
        assert any(200 <= status < 300 for status in tally), (label, tally)
    else:
        # 404: no operation at that path; 405: another method than the operation's.
        assert set(tally) <= {401, 404, 405}, (label, tally)


def test_every_check_schemathesis_has_is_on():
    names = {check.__name__ for check in ALL_CHECKS}
    assert names >= {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "positive_data_acceptance",
        "negative_data_rejection",
        "missing_required_header",
        "ignored_auth",
        "unsupported_method",
    }


@schema.parametrize()
@FUZZ
def test_every_operation_answers_within_its_schema_for_the_owner(case, portfolio, answers):
    response = case.call_and_validate(checks=ALL_CHECKS)
    answers[response.status_code] += 1


@schema.parametrize()
@FUZZ
def test_every_operation_answers_within_its_schema_without_a_token(case, portfolio, answers):
    response = case.call_and_validate(checks=ALL_CHECKS)
    answers[response.status_code] += 1
