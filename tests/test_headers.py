"""Security headers and cookies, as production sends them: the real settings module loaded with
a production environment (no WAYPOINT_DEV, DEBUG off, HTTPS settings at their defaults), in a
subprocess on a fresh SQLite database, answering over HTTPS through the whole middleware stack.

The one change from production: static files from the source folders (StaticFilesStorage), as
the manifest exists only after collectstatic; it changes no header."""

import json
import re

import pytest

from .test_deploy import manage, production_env

PAGES = """
import json
from django.conf import settings
from django.test import Client
from demos.models import Dataset, Example
from demos.services import demo_create, share_link_create
from tests.factories import PASSWORD, make_project, make_team, make_user

owner = make_user("olivia")
project = make_project(make_team("Growth", members={owner: "owner"}), owner, name="Churn")
demo = demo_create(project=project, title="Which tickets are urgent?", by=owner)
dataset = Dataset.objects.create(demo=demo, model_version="v1", ready=True, scale=demo.scale)
example = Example.objects.create(dataset=dataset, row=2, external_id="t2", score=0.9)
link = share_link_create(demo=demo, by=owner)
shared = f"/d/{link.token}/"


def client():
    return Client(HTTP_HOST="waypoint.example.com")


def record(response):
    cookies = {
        name: {
            "secure": bool(morsel["secure"]),
            "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"],
        }
        for name, morsel in response.cookies.items()
    }
    body = response.content.decode(errors="replace") if not response.streaming else ""
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": cookies,
        "body": body,
    }


out = {"debug": settings.DEBUG}
browser = client()
out["login_page"] = record(browser.get("/accounts/login/", secure=True))
out["login"] = record(
    browser.post("/accounts/login/", {"username": "olivia", "password": PASSWORD}, secure=True)
)
out["home"] = record(browser.get("/", secure=True))
out["project"] = record(browser.get(project.get_absolute_url(), secure=True))
out["api"] = record(client().get("/api/v1/projects", secure=True))
out["plain_http"] = record(client().get("/accounts/login/"))
out["shared_demo"] = record(client().get(shared, secure=True))
out["shared_feedback"] = record(
    client().post(
        f"{shared}examples/{example.pk}/feedback/",
        {"verdict": "agree", "next": shared},
        secure=True,
    )
)
out["shared_unknown"] = record(client().get("/d/not-a-token/", secure=True))
print("HEADERS-JSON" + json.dumps(out))
"""

HTTPS = [
    "login_page",
    "login",
    "home",
    "project",
    "api",
    "shared_demo",
    "shared_feedback",
    "shared_unknown",
]
HTML = ["login_page", "home", "project", "shared_demo", "shared_unknown"]
SHARED = ["shared_demo", "shared_feedback", "shared_unknown"]
STRICT_REFERRERS = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("headers")
    env = production_env(
        tmp,
        REDIS_URL=None,  # tasks in-process: nothing here queues one
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        MEDIA_ROOT=str(tmp / "media"),
    )
    migrated = manage(env, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    result = manage(env, "shell", "-c", PAGES)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("HEADERS-JSON"))
    return json.loads(line.removeprefix("HEADERS-JSON"))


def policy(answer) -> dict[str, list[str]]:
    header = answer["headers"]["Content-Security-Policy"]
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def test_the_pages_were_served_with_debug_off_and_as_expected(answers):
    assert answers["debug"] is False
    statuses = {name: answers[name]["status"] for name in HTTPS}
    assert statuses == {
        "login_page": 200,
        "login": 302,
        "home": 200,
        "project": 200,
        "api": 401,
        "shared_demo": 200,
        "shared_feedback": 302,
        "shared_unknown": 404,
    }


@pytest.mark.parametrize("name", HTTPS)
def test_the_csp_allows_no_inline_or_eval_script_or_style(answers, name):
    directives = policy(answers[name])
    assert directives["default-src"] == ["'none'"]
    for directive in ["script-src", "style-src"]:
        assert directives[directive] == ["'self'"], directive
    text = answers[name]["headers"]["Content-Security-Policy"]
    assert "unsafe-inline" not in text and "unsafe-eval" not in text and "unsafe-hashes" not in text
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


@pytest.mark.parametrize("name", HTML)
def test_no_page_has_an_inline_script_style_or_handler(answers, name):
    body = answers[name]["body"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline <script>"
    assert "<style" not in body
    assert not re.search(r"\sstyle=", body), "style attribute"
    assert not re.search(r"\son[a-z]+=", body), "event handler attribute"


@pytest.mark.parametrize("name", HTTPS)
def test_https_answers_pin_https_for_a_year_with_subdomains(answers, name):
    hsts = answers[name]["headers"]["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 15552000  # six months
    assert "includeSubDomains" in hsts


@pytest.mark.parametrize("name", HTTPS)
def test_every_answer_says_nosniff_deny_frames_and_a_strict_referrer_policy(answers, name):
    headers = answers[name]["headers"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in STRICT_REFERRERS
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_app_pages_keep_the_referrer_to_the_site(answers):
    assert answers["home"]["headers"]["Referrer-Policy"] == "same-origin"


def test_plain_http_is_sent_to_https(answers):
    answer = answers["plain_http"]
    assert answer["status"] == 301
    assert answer["headers"]["Location"] == "https://waypoint.example.com/accounts/login/"


def test_the_csrf_cookie_is_secure_httponly_and_samesite(answers):
    cookie = answers["login_page"]["cookies"]["csrftoken"]
    assert cookie == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_the_session_cookie_is_secure_httponly_and_samesite(answers):
    cookie = answers["login"]["cookies"]["sessionid"]
    assert cookie == {"secure": True, "httponly": True, "samesite": "Lax"}


@pytest.mark.parametrize("name", SHARED)
def test_share_link_answers_are_not_indexed_and_send_no_referrer(answers, name):
    headers = answers[name]["headers"]
    assert "noindex" in headers["X-Robots-Tag"]
    assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("name", ["shared_demo", "shared_unknown"])
def test_share_link_pages_say_noindex_and_no_referrer_in_the_page_too(answers, name):
    body = answers[name]["body"]
    assert re.search(r'<meta name="robots" content="noindex[^"]*">', body)
    assert '<meta name="referrer" content="no-referrer">' in body


def test_the_team_pages_are_not_marked_noindex(answers):
    # noindex is for the share links; the app's own pages need a login anyway.
    assert "X-Robots-Tag" not in answers["home"]["headers"]
