"""Whatever a client sends, the answer is a 4xx JSON body with a detail, never a 500."""

import json

import pytest

from lifecycle.models import Experiment, Reading

from .conftest import url

pytestmark = pytest.mark.django_db

WRITES = [("POST", "/experiments"), ("POST", "/readings"), ("PATCH", "")]

GARBAGE = [
    b"",
    b"{",
    b"not json",
    b"\xff\xfe\x00garbage",
    b"null",
    b"42",
    b'"a string"',
    b"[]",
    b"[1, 2, 3]",
    b"{}",
    b"NaN",
    b'{"title": NaN}',
    b'{"title": Infinity}',
    b'{"title": {"nested": [1, {"deeper": null}]}}',
    b'{"title": ["a"], "readings": "all of them"}',
    b'{"title": "x", "readings": [1, "two", null, []]}',
    b'{"title": "x", "readings": {"criterion": "Recall", "value": 1}}',
    b'{"title": "x", "readings": [{"criterion": {"a": 1}, "value": [1]}]}',
    b'{"title": "x", "readings": [{"criterion": "Recall", "value": 1e400}]}',
    b'{"title": "x", "readings": [{"criterion": "Recall", "value": -1e400}]}',
    b'{"title": "x", "readings": [{"criterion": "Recall", "value": "NaN"}]}',
    b'{"title": "x", "readings": [{"criterion": "Recall", "value": "Infinity"}]}',
    b'{"title": "x", "likelihood": 99999999999999999999999999999999999999}',
    b'{"title": "x", "likelihood": 50.5}',
    b'{"title": "x", "week": 202647}',
    b'{"title": "x", "week": "2026-W00"}',
    b'{"title": "x", "week": "99999-W01"}',
    b'{"title": "x", "links": "https://example.com"}',
    b'{"version": -1, "problem": "x"}',
    b'{"version": 1e400, "problem": "x"}',
    b'{"version": 99999999999999999999999999, "problem": "x"}',
    b'{"version": 1, "problem": 5}',
    b'{"readings": [{"criterion": "Recall", "value": 1, "at": "2026-13-45T99:00:00Z"}]}',
    b'{"readings": [{"criterion": "Recall", "value": 1, "at": 1e400}]}',
    b'{"readings": [{"criterion": "Recall", "value": 1, "at": 1e20}]}',
    b'{"readings": [{"criterion": "Recall", "value": 1, "at": "9999-12-31T23:59:59-14:00"}]}',
    b'{"readings": [{"criterion": "Recall", "value": 1, "at": "0001-01-01T00:00:00+14:00"}]}',
    b'{"readings": [{"criterion": "Recall", "value": 1, "at": "0001-01-01T00:00:00"}]}',
    b'{"readings": [{"criterion": "' + b"x" * 5000 + b'", "value": 1}]}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"title": "' + b"1" * 5000 + b'", "likelihood": ' + b"9" * 5000 + b"}",
    b'{"title": "x", "title": 5}',
    b'{"title": "a\\u0000b"}',
    b'{"title": "x", "readings": [{"criterion": "\\u0000", "value": 1}]}',
    b'{"version": 1, "problem": "\\u0000"}',
    b'{"title": "\\ud800", "\\udfff": 1}',
    b'{"version": 1, "problem": "lone \\udc00 surrogate"}',
]


@pytest.mark.parametrize("method, suffix", WRITES)
@pytest.mark.parametrize("body", GARBAGE, ids=lambda b: repr(b[:40]))
def test_garbage_bodies_get_a_4xx_with_a_detail(
    api_as, editor, project, recall, method, suffix, body
):
    response = api_as(editor).send(method, url(project, suffix), raw=body)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    assert not Experiment.objects.exists()
    assert not Reading.objects.exists()


@pytest.mark.parametrize("method, suffix", WRITES)
def test_malformed_json_is_a_400_that_says_so(api_as, editor, project, method, suffix):
    response = api_as(editor).send(method, url(project, suffix), raw=b'{"title": ')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The body is not valid JSON")


@pytest.mark.parametrize("method, suffix", WRITES)
@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"],
)
def test_a_body_that_is_not_json_is_a_415(api_as, editor, project, method, suffix, content_type):
    response = api_as(editor).send(
        method, url(project, suffix), raw=json.dumps({"title": "x"}), content_type=content_type
    )
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.json()["detail"]


def test_a_body_over_the_size_limit_is_a_413(api_as, editor, project, recall, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {"readings": [{"criterion": "Recall", "value": 1}] * 1000}
    response = api_as(editor).post(url(project, "/readings"), body)
    assert response.status_code == 413
    assert "Send fewer items per call" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        "/api/v1/nothing",
        "/api/v1/projects/a/b/c",
        "/api/v1/projects/",
        "/api/v1/projects/a%00b",
        "/api/v1/projects/caf%C3%A9",
    ],
)
def test_an_unknown_api_path_is_a_json_404(api_as, owner, path):
    response = api_as(owner).get(path)
    assert response.status_code == 404
    assert "/api/v1/docs" in response.json()["detail"]


def test_every_endpoint_answers_a_bad_token_with_401_before_reading_the_body(project):
    from .conftest import ApiClient

    api = ApiClient("wp_wrong")
    for method, suffix in [("GET", ""), ("GET", "?limit=x"), *WRITES]:
        path = url(project, suffix) if suffix != "?limit=x" else "/api/v1/projects?limit=x"
        response = api.get(path) if method == "GET" else api.send(method, path, raw=b"{garbage")
        assert response.status_code == 401, (method, suffix)


def test_a_very_long_slug_is_just_not_found(api_as, owner):
    response = api_as(owner).get("/api/v1/projects/" + "x" * 5000)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such project."}


@pytest.mark.parametrize("query", ["offset=99999999999999999999", "limit=1e3", "limit=%00"])
def test_absurd_page_parameters_are_a_422(api_as, owner, project, query):
    response = api_as(owner).get(f"/api/v1/projects?{query}")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_text_with_a_nul_character_is_refused_with_a_message(api_as, editor, project):
    response = api_as(editor).post(url(project, "/experiments"), {"title": "a\u0000b"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_escaped_non_ascii_text_is_fine(api_as, editor, project):
    response = api_as(editor).post(url(project, "/experiments"), {"title": "Café ÷ naïve"})
    assert response.status_code == 201
    assert response.json()["title"] == "Café ÷ naïve"


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_a_write_to_an_unknown_api_path_is_a_json_404_not_the_csrf_page(method):
    """Found by the fuzzer: a slug the URL pattern refuses fell to the catch-all, and a POST
    there got Django's HTML CSRF page (403) instead of the API's JSON 404."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    path = "/api/v1/projects/caf%C3%A9/experiments"
    response = getattr(client, method)(path, "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/v1/docs" in response.json()["detail"]
