"""The OpenAPI schema and the interactive docs page, which must work under our strict CSP."""

import re

import pytest

from api.schemas import OutcomeName, SourceName
from lifecycle.models import Outcome, ReadingSource

pytestmark = pytest.mark.django_db


def test_the_schema_lists_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Waypoint API"
    operations = {
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    }
    assert operations == {
        ("GET", "/api/v1/projects"),
        ("GET", "/api/v1/projects/{slug}"),
        ("PATCH", "/api/v1/projects/{slug}"),
        ("POST", "/api/v1/projects/{slug}/experiments"),
        ("POST", "/api/v1/projects/{slug}/readings"),
        ("POST", "/api/v1/projects/{slug}/demos"),
        ("POST", "/api/v1/demos/{demo_id}/datasets"),
        ("GET", "/api/v1/jobs/{job_id}"),
        ("PUT", "/api/v1/demos/{demo_id}/datasets/{dataset_id}/live"),
        ("DELETE", "/api/v1/demos/{demo_id}/datasets/{dataset_id}/live"),
    }


def test_every_operation_has_a_summary_and_a_description(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)


def test_the_upload_documents_its_multipart_fields(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/demos/{demo_id}/datasets"]["post"]["requestBody"]
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file", "model_version"]
    assert set(form["properties"]) == {
        "file",
        "model_version",
        "live_of",
        "id_column",
        "score_column",
        "class_columns",
        "display_columns",
    }


def test_the_schema_scale_kinds_match_the_models():
    from api.schemas import DriftLevelName, JobLiveStateName, JobStatusName, ScaleKindName
    from demos.models import DriftLevel, JobLiveState, JobStatus, ScaleKind

    assert set(ScaleKindName.__args__) == set(ScaleKind.values)
    assert set(JobStatusName.__args__) == set(JobStatus.values)
    assert set(DriftLevelName.__args__) == set(DriftLevel.values)
    assert set(JobLiveStateName.__args__) == set(JobLiveState.values)


def test_the_schema_declares_bearer_token_auth(client):
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert list(schemes.values()) == [{"type": "http", "scheme": "bearer"}]


def test_the_schema_choices_match_the_models():
    assert set(OutcomeName.__args__) == set(Outcome.values)
    assert set(SourceName.__args__) == set(ReadingSource.values)


def test_the_docs_page_loads_only_self_hosted_assets_and_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(s.startswith("/static/") or s.startswith("/api/v1/") for s in sources), sources
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui-init.js" in sources
    for script in re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S):
        attributes, body = script
        # Only JSON data blocks may have content; browsers do not run them as script.
        assert 'src="' in attributes or 'type="application/json"' in attributes
        assert 'src="' not in attributes or not body.strip()
    assert " style=" not in page and "<style" not in page


def test_the_docs_assets_ship_with_the_app():
    from django.contrib.staticfiles import finders

    for path in ["ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"]:
        assert finders.find(path), path


def test_every_operation_documents_the_errors_it_can_answer(client):
    """Schemathesis (tests/api/test_fuzz.py) fails on any status the schema does not list."""
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "422"} <= codes, (method, path)
            if "requestBody" in operation:
                assert {"413", "415"} <= codes, (method, path)
