"""Every route and every API operation, requested by every kind of actor, against one table.

The routes come from the URLconf (django.urls.get_resolver(), through every include) and the
operations from the API's OpenAPI schema, never from a hand list: a new URL or operation without
a row in tests/access_expectations.py fails `test_every_route_has_an_expectation_for_every_actor`
(or its API twin) naming the route and the actors it lacks. The objects come from
tests/access_world.py: built once for the module, each request made in a savepoint that is
rolled back, so a write by one actor leaves the next one the same world.

Another team's project, demo, dataset, job, experiment, criterion, risk, example (its
feedback), and the rest, always answer as an id that does not exist: the same 404, the same
body, the same number of queries, and never their title.
"""

import json
import re
from dataclasses import dataclass
from functools import cache, partial
from http.cookies import SimpleCookie

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern

from api.main import api

from .access_expectations import API_EXPECTED, EXPECTED, LOGIN, METHODS, OTHER_METHODS, SKIPPED
from .access_world import (
    ACTORS,
    ANONYMOUS,
    API_CALLS,
    CALLS,
    DEFAULT_KWARGS,
    EDITOR,
    KINDS,
    LINK_HOLDERS,
    LINK_VALID,
    MISSING_PK,
    OWNER,
    SIGNED_IN,
    SUPERUSER,
    VIEWER,
    Call,
    Objects,
    build_world,
)

# The URLconf -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or "<unnamed> <route>" for a pattern without a name
    name: str | None
    route: str  # the joined pattern, e.g. "projects/<slug:slug>/"


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield Route(name, name, route)
            else:
                regex = isinstance(pattern.pattern, RegexPattern)
                suffix = " (any other path)" if regex else ""
                yield Route(f"<unnamed> {route}{suffix}", None, route)


def _as_openapi_path(route: str) -> str:
    """ "api/v1/projects/<slug:slug>" → "/api/v1/projects/{slug}"."""
    parts = []
    for part in route.split("/"):
        if part.startswith("<") and part.endswith(">"):
            part = "{" + part[1:-1].split(":")[-1] + "}"
        parts.append(part)
    return "/" + "/".join(parts)


@cache
def api_operations() -> list[str]:
    """ "METHOD /path" for every operation in the API's OpenAPI schema."""
    paths = api.get_openapi_schema()["paths"]
    return sorted(f"{method.upper()} {path}" for path, ops in paths.items() for method in ops)


@cache
def django_routes() -> list[Route]:
    """Every URL pattern but those SKIPPED (with the reason there) and the API's operations,
    which the API table covers from the OpenAPI schema."""
    operation_paths = {op.split(" ", 1)[1] for op in api_operations()}
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if any(route.route.startswith(prefix) for prefix in SKIPPED):
            continue
        served_by_ninja = route.name and route.name.startswith("api:")
        if served_by_ninja and _as_openapi_path(route.route) in operation_paths:
            continue
        routes.append(route)
    return routes


def _lacking(row: dict, what: str) -> list[str]:
    lacking = [actor for actor in ACTORS if actor not in row]
    return [f"{what}: no expectation for {', '.join(lacking)}"] if lacking else []


def test_every_route_has_an_expectation_for_every_actor():
    keys = sorted({route.key for route in django_routes()})
    problems = [
        problem
        for key in keys
        for method in METHODS
        for problem in _lacking(EXPECTED.get(key, {}).get(method, {}), f"{key} {method}")
    ]
    stale = sorted(set(EXPECTED) - set(keys))
    problems += [f"{key}: in the table but no longer a route" for key in stale]
    assert not problems, "Add these to tests/access_expectations.py:\n" + "\n".join(problems)


def test_every_api_operation_has_an_expectation_for_every_actor():
    keys = api_operations()
    problems = [problem for key in keys for problem in _lacking(API_EXPECTED.get(key, {}), key)]
    stale = sorted(set(API_EXPECTED) - set(keys))
    problems += [f"{key}: in the table but no longer an operation" for key in stale]
    assert not problems, "Add these to tests/access_expectations.py:\n" + "\n".join(problems)


def test_the_walk_finds_the_apps_routes_and_the_apis_operations():
    """The walk itself is held to a few routes it must find, so an empty walk cannot pass."""
    keys = {route.key for route in django_routes()}
    assert {"lifecycle:project_detail", "demos:shared_demo", "notifications:open"} <= keys
    assert "login" in keys and "<unnamed> api/v1/ (any other path)" in keys
    assert not any(key.startswith("admin:") for key in keys)
    assert "POST /api/v1/projects/{slug}/readings" in api_operations()


# Requests ---------------------------------------------------------------------------------------


@dataclass
class Actors:
    clients: dict[str, Client]
    secrets: dict[str, str]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the module, in a transaction rolled back at its end."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(PASSWORD_HASHERS=fast, MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        built = build_world()
        clients = {}
        for actor in ACTORS:
            clients[actor] = Client(raise_request_exception=False)
            if actor in SIGNED_IN:
                clients[actor].force_login(built.users[actor])
            elif actor in LINK_HOLDERS:  # they opened their link before trying anything else
                clients[actor].get(reverse("demos:shared_demo", args=[built.link_tokens[actor]]))
        yield built, Actors(clients, built.api_secrets)
        transaction.set_rollback(True)


def _url(route_key: str, call: Call, o: Objects) -> str:
    if call.path:
        return call.path
    name = route_key
    pattern = next(r for r in django_routes() if r.key == route_key)
    kwargs = {}
    for kwarg in _kwarg_names(pattern.route):
        fill = call.kwargs.get(kwarg) or DEFAULT_KWARGS.get(kwarg)
        assert fill, f"{route_key}: say in tests/access_world.py (CALLS) how to fill <{kwarg}>"
        kwargs[kwarg] = fill(o)
    return reverse(name, kwargs=kwargs)


def _kwarg_names(route: str) -> list[str]:
    return [
        part[1:-1].split(":")[-1]
        for part in route.split("/")
        if part.startswith("<") and part.endswith(">")
    ]


def _api_url(operation: str, o: Objects) -> str:
    path = operation.split(" ", 1)[1]
    for kwarg in _kwarg_names(path.replace("{", "<").replace("}", ">")):
        path = path.replace("{" + kwarg + "}", str(DEFAULT_KWARGS[kwarg](o)))
    return path


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Bookkeeping of who is signed in, not a change anyone asked for: sessions, an API token's
# last use (recorded once a token is known good, whatever the request then gets), and the time
# django-axes writes into its login record when someone signs out.
BOOKKEEPING = (
    "django_session",
    'UPDATE "api_apitoken" SET "last_used_at"',
    'UPDATE "axes_accesslog" SET "logout_time"',
)


def _is_a_write(sql: str) -> bool:
    return bool(WRITE.match(sql)) and not any(mark in sql for mark in BOOKKEEPING)


def _keeping_cookies(client: Client, send):
    """Send a request in a savepoint rolled back afterwards, keeping the client's cookies (a
    logout would otherwise end the session the next route is tried with). The response
    carries the writes it made (`matrix_writes`), BOOKKEEPING aside."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = send()
        transaction.set_rollback(True)
    client.cookies = cookies
    response.matrix_writes = [q["sql"] for q in queries if _is_a_write(q["sql"])]
    return response


def request_route(route_key: str, method: str, client: Client, o: Objects):
    call = CALLS.get(route_key, Call())
    url = _url(route_key, call, o)
    if method == "GET":
        return _keeping_cookies(client, lambda: client.get(url, call.query(o)))
    return _keeping_cookies(client, lambda: client.post(url, call.post(o)))


def request_operation(operation: str, client: Client, secret: str | None, o: Objects):
    method = operation.split(" ", 1)[0]
    url = _api_url(operation, o)
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    body = API_CALLS.get(operation, Call()).post(o)
    send = getattr(client, method.lower())
    if method == "GET":
        return _keeping_cookies(client, lambda: client.get(url, headers=headers))
    if any(hasattr(value, "read") for value in body.values()):  # a file: multipart
        return _keeping_cookies(client, lambda: client.post(url, body, headers=headers))
    data = json.dumps(body) if body else ""
    return _keeping_cookies(
        client, lambda: send(url, data, content_type="application/json", headers=headers)
    )


def answer(response) -> str | int:
    """What the table compares: LOGIN for a redirect to log in, else the status code; a
    refusal (LOGIN or any 4xx) that wrote anything is reported with what it wrote."""
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        status: str | int = LOGIN
    else:
        status = response.status_code
    refused = status == LOGIN or 400 <= response.status_code < 500
    if refused and response.matrix_writes:
        return f"{status}, but wrote: {response.matrix_writes[0][:120]}"
    return status


def _differences(expected: dict, got: dict) -> list[str]:
    return [
        f"{actor}: expected {expected[actor]}, got {got[actor]}"
        for actor in ACTORS
        if actor in expected and got[actor] != expected[actor]
    ]


ROUTE_CASES = [(key, method) for key in sorted(EXPECTED) for method in METHODS]
API_CASES = sorted(API_EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route_key", "method"), ROUTE_CASES, ids=[" ".join(c) for c in ROUTE_CASES]
)
def test_each_actor_gets_what_the_table_says(world, route_key, method):
    built, actors = world
    got = {}
    for actor in ACTORS:
        response = request_route(route_key, method, actors.clients[actor], built.objects_for(actor))
        got[actor] = answer(response)
    problems = _differences(EXPECTED[route_key][method], got)
    assert not problems, f"{route_key} {method}:\n" + "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", API_CASES)
def test_each_actor_gets_what_the_api_table_says(world, operation):
    built, actors = world
    got = {}
    for actor in ACTORS:
        response = request_operation(
            operation, actors.clients[actor], actors.secrets.get(actor), built.objects_for(actor)
        )
        got[actor] = answer(response)
    problems = _differences(API_EXPECTED[operation], got)
    assert not problems, f"{operation}:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_no_page_takes_put_or_delete(world):
    built, actors = world
    problems = []
    for route_key in sorted(EXPECTED):
        expected = OTHER_METHODS.get(route_key, 405)
        if expected is None:
            continue
        call = CALLS.get(route_key, Call())
        for actor in (ANONYMOUS, SUPERUSER):
            client, o = actors.clients[actor], built.objects_for(actor)
            url = _url(route_key, call, o)
            for method in ("put", "delete"):
                send = getattr(client, method)
                status = _keeping_cookies(client, partial(send, url)).status_code
                if status != expected:
                    problems.append(f"{route_key} {method.upper()} as {actor}: {status}")
    assert not problems, "expected 405 (or OTHER_METHODS):\n" + "\n".join(problems)


# Another team's ids answer as ids that do not exist ------------------------------------------

SUCCESS = range(200, 400)


def _requester(row: dict) -> str | None:
    """Who may use the route on our objects: the one to try theirs with."""
    for actor in (OWNER, VIEWER, LINK_VALID):
        if row[actor] != LOGIN and row[actor] in SUCCESS:
            return actor
    return None


def _normalised(response, ids: list[int]) -> str:
    """The body without what differs on every render (CSRF tokens, CSP nonces) and without the
    ids the request itself named."""
    text = response.content.decode(errors="replace")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'nonce="[^"]*"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    for number in ids:
        text = re.sub(rf"\b{number}\b", "<id>", text)
    return text


def _first_difference(one, other, ids) -> str:
    lines = zip(
        _normalised(one, ids).splitlines(), _normalised(other, ids).splitlines(), strict=False
    )
    return next((f"{a.strip()!r} against {b.strip()!r}" for a, b in lines if a != b), "")


def _counted(send) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        response = send()
    return response, len(queries)


def _compare(what: str, base: Objects, theirs: Objects, send, kinds, *, url_kwarg: bool):
    """Ask with `kinds` taken from the other team, then with them gone: the same answer."""
    foreign, gone = base.with_theirs(theirs, kinds)
    their_answer, their_queries = _counted(lambda: send(foreign))
    missing, missing_queries = _counted(lambda: send(gone))
    if their_queries != missing_queries:  # the first may have filled a cache (drift) for both
        their_answer, their_queries = _counted(lambda: send(foreign))
    ids = [getattr(theirs, kind).pk for kind in kinds] + [MISSING_PK]
    problems = []
    if url_kwarg and their_answer.status_code != 404:
        problems.append(f"{what}: {their_answer.status_code}, not 404")
    if their_answer.status_code != missing.status_code:
        problems.append(f"{what}: {their_answer.status_code}, but {missing.status_code} if missing")
    elif _normalised(their_answer, ids) != _normalised(missing, ids):
        difference = _first_difference(their_answer, missing, ids)
        problems.append(f"{what}: the body differs from a missing one's: {difference}")
    if their_queries != missing_queries:
        problems.append(f"{what}: {their_queries} queries, but {missing_queries} if missing")
    body, missing_body = (r.content.decode(errors="replace") for r in (their_answer, missing))
    for word in theirs.title_words:  # unless the request itself said it (a name in a body)
        if word in body and word not in missing_body:
            problems.append(f"{what}: the body names {word!r}")
    return problems


def _kinds_used(build_request, ours: Objects, theirs: Objects) -> list[tuple[str, bool]]:
    """The kinds this request names, each with whether it is in the URL's path."""
    used = []
    base_path, base_rest = build_request(ours)
    for kind in KINDS:
        path, rest = build_request(ours.with_theirs(theirs, [kind])[0])
        if (path, rest) != (base_path, base_rest):
            used.append((kind, path != base_path))
    return used


def _request_shape(route_key: str, method: str):
    call = CALLS.get(route_key, Call())

    def shape(o: Objects):
        body = call.post(o) if method == "POST" else call.query(o)
        values = {k: v for k, v in body.items() if not hasattr(v, "read")}
        return _url(route_key, call, o), repr(sorted(values.items()))

    return shape


def _api_shape(operation: str):
    call = API_CALLS.get(operation, Call())

    def shape(o: Objects):
        body = call.post(o)
        values = {k: v for k, v in body.items() if not hasattr(v, "read")}
        return _api_url(operation, o), repr(sorted(values.items()))

    return shape


def _foreign_checks(built, cases, shape_of, send_of) -> tuple[list[str], int, set[str]]:
    """For each case a requester may use, each kind of object it names (and all of them at
    once) taken from the other team, compared with the same gone."""
    problems, checks, tried = [], 0, set()
    for case, row in cases:
        requester = _requester(row)
        if requester is None:
            continue
        base = built.objects_for(requester)
        used = _kinds_used(shape_of(case), base, built.theirs)
        tries = [([kind], in_path) for kind, in_path in used]
        if len(used) > 1:
            tries.append(([kind for kind, _ in used], any(in_path for _, in_path in used)))
        for kinds, in_path in tries:
            checks += 1
            tried.update(kinds)
            what = f"{case} as {requester}, their {'+'.join(kinds)}"
            send = send_of(case, requester)
            problems += _compare(what, base, built.theirs, send, kinds, url_kwarg=in_path)
    return problems, checks, tried


@pytest.mark.django_db
def test_another_teams_ids_answer_as_missing_ones_on_every_route(world):
    built, actors = world
    cases = [((key, method), EXPECTED[key][method]) for key, method in ROUTE_CASES]

    def send_of(case, requester):
        key, method = case
        client = actors.clients[requester]
        return lambda o: request_route(key, method, client, o)

    problems, checks, tried = _foreign_checks(
        built, cases, lambda case: _request_shape(*case), send_of
    )
    assert checks >= 100, checks  # the walk found the routes that name objects
    # Feedback is reached through its example (example_feedback, shared_feedback).
    every_kind = {"project", "demo", "dataset", "job", "experiment", "criterion", "risk"}
    assert every_kind | {"example", "alert", "series", "link", "notification", "token"} <= tried
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_another_teams_ids_answer_as_missing_ones_in_the_api(world):
    built, actors = world
    cases = [(operation, API_EXPECTED[operation]) for operation in API_CASES]

    def send_of(operation, requester):
        client, secret = actors.clients[requester], actors.secrets.get(requester)
        return lambda o: request_operation(operation, client, secret, o)

    problems, checks, tried = _foreign_checks(built, cases, _api_shape, send_of)
    assert checks >= 10, checks
    assert {"project", "demo", "dataset2", "job"} <= tried
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_write_check_sees_a_write(world):
    """The refusals above are held to writing nothing; this holds the check to seeing writes."""
    built, actors = world
    response = request_route(
        "lifecycle:charter_edit", "POST", actors.clients[EDITOR], built.objects_for(EDITOR)
    )
    assert answer(response) == 302
    assert any("lifecycle_charter" in sql for sql in response.matrix_writes)
