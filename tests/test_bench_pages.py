"""`make bench`'s pages section (bench/sections/pages.py): what it counts as a page's JavaScript,
how it judges paint and Lighthouse, and that the Lighthouse it installs is the pinned one."""

import json
import os
import re

from bench.sections import pages
from bench.sections.pages import Resource, lcp_summary, lighthouse_scores, weigh


def resource(name, kind, body, *, content_type="", encoding="gzip", headers=200):
    return Resource(
        url=f"http://127.0.0.1:8001/static/{name}",
        kind=kind,
        content_type=content_type,
        encoding=encoding,
        body_bytes=body,
        header_bytes=headers,
    )


def test_a_pages_javascript_is_its_scripts_encoded_bytes():
    page = weigh(
        [
            resource("board", "document", 9_000, content_type="text/html; charset=utf-8"),
            resource("htmx.min.abc.js", "script", 16_000, content_type="text/javascript"),
            resource("waypoint.abc.js", "script", 600, content_type="text/javascript"),
            resource("waypoint.abc.css", "stylesheet", 7_000, content_type="text/css"),
            # fetched, not run as a <script>, but still JavaScript the page downloads
            resource("lazy.abc.js", "fetch", 1_000, content_type="application/javascript"),
        ]
    )
    assert page["js_bytes"] == 16_000 + 600 + 1_000
    assert page["total_bytes"] == 9_000 + 16_000 + 600 + 7_000 + 1_000 + 5 * 200
    assert page["requests"] == 5
    assert page["js_uncompressed"] == []


def test_a_script_sent_without_compression_is_named():
    page = weigh([resource("big.js", "script", 90_000, encoding="")])
    assert page["js_uncompressed"] == ["big.js"]
    assert page["js_files"]["big.js"] == {"bytes": 90_000, "encoding": "none"}


def test_chart_pages_get_the_larger_javascript_budget():
    charted = {key for key, (_, _, charts) in pages.PAGES.items() if charts}
    assert charted == {"project", "outcomes"}
    assert pages.js_goal(True) == 500_000
    assert pages.js_goal(False) == 60_000


def loads(*seconds):
    return [{"lcp_ms": None if s is None else s * 1000} for s in seconds]


def test_paint_passes_only_when_every_load_is_within_the_goal():
    assert lcp_summary(loads(0.3, 0.4, 1.2))["passed"]
    slow = lcp_summary(loads(0.3, 0.4, 1.6))
    assert not slow["passed"]
    assert slow["median_s"] == 0.4
    assert slow["worst_s"] == 1.6


def test_a_load_without_a_largest_contentful_paint_fails():
    summary = lcp_summary(loads(0.3, None, 0.4))
    assert summary["missing"] == 1
    assert not summary["passed"]
    assert not lcp_summary([])["passed"]


def report(accessibility, best_practices):
    """A Lighthouse JSON report cut to what the section reads."""
    return {
        "categories": {
            "accessibility": {
                "score": accessibility,
                "auditRefs": [
                    {"id": "color-contrast", "weight": 7},
                    {"id": "label", "weight": 7},
                    {"id": "tabindex", "weight": 0},  # informative: not in the score
                ],
            },
            "best-practices": {
                "score": best_practices,
                "auditRefs": [{"id": "errors-in-console", "weight": 1}],
            },
        },
        "audits": {
            "color-contrast": {"title": "Contrast", "score": 0},
            "label": {"title": "Labels", "score": 1},
            "tabindex": {"title": "Tab order", "score": 0},
            "errors-in-console": {"title": "Console", "score": None},
        },
    }


def test_lighthouse_scores_and_the_audits_that_cost_points():
    result = lighthouse_scores(report(0.91, 1.0))
    assert result["scores"] == {"accessibility": 91, "best-practices": 100}
    assert [a["id"] for a in result["failed"]["accessibility"]] == ["color-contrast"]
    assert result["failed"]["best-practices"] == []


def test_lighthouse_is_pinned_to_one_version_and_locked():
    spec = json.loads((pages.LIGHTHOUSE_SPEC / "package.json").read_text())
    pin = spec["dependencies"]["lighthouse"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pin), "an exact version, not a range"
    lock = json.loads((pages.LIGHTHOUSE_SPEC / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/lighthouse"]["version"] == pin
    assert lock["packages"][""]["dependencies"]["lighthouse"] == pin


def test_the_browsers_cpu_is_not_counted_as_other_tenants():
    host = {"wall_s": 10.0, "other_cpu_s": 12.0, "other_cpu_share": 0.6}
    adjusted = pages.without_browser(host, 11.0)
    assert adjusted["browser_cpu_s"] == 11.0
    assert adjusted["other_cpu_s"] == 1.0
    assert adjusted["other_cpu_share"] == round(1.0 / (10.0 * (os.cpu_count() or 1)), 3)


def test_a_signed_in_page_that_lost_its_session_is_found_in_the_access_log(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        '127.0.0.1 - - [06/Dec/2026:07:25:04 +0000] "POST /accounts/login/ HTTP/1.1" 302 0\n'
        '127.0.0.1 - - [06/Dec/2026:07:26:55 +0000] "GET /projects/p/demos/card/ HTTP/1.1" 302 0\n'
        '127.0.0.1 - - [06/Dec/2026:07:26:55 +0000] "GET /accounts/login/?next=/projects/p/demos'
        '/card/ HTTP/1.1" 200 3015\n'
    )
    lost = pages.login_redirects(log, "/accounts/login/")
    assert len(lost) == 1
    assert "next=/projects/p/demos/card/" in lost[0]
    log.write_text(log.read_text().splitlines()[0] + "\n")  # the bench's own login only
    assert pages.login_redirects(log, "/accounts/login/") == []
