"""The Content-Security-Policy header comes from django-csp's own middleware, configured only
through its documented setting (CONTENT_SECURITY_POLICY) and view decorators."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

# The site-wide policy, spelled out: a change to it should be a change to this test too.
STRICT = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def directives(header: str) -> dict[str, str]:
    """A policy header as {directive: sources} (django-csp does not keep the directives' order)."""
    parts = (part.strip().partition(" ") for part in header.split(";"))
    return {name: sources for name, _, sources in parts}


def page(request):
    return HttpResponse("ok")


@csp_update({"img-src": ["https:"]})
def page_with_images(request):
    return HttpResponse("ok")


@csp_replace({"img-src": ["https://images.example"]})
def page_with_other_images(request):
    return HttpResponse("ok")


@csp_exempt()
def exempt_page(request):
    return HttpResponse("ok")


def respond(view):
    return CSPMiddleware(view)(RequestFactory().get("/"))


def test_the_header_comes_from_django_csps_own_middleware():
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert not any("config.middleware" in name for name in settings.MIDDLEWARE)


def test_a_plain_view_gets_the_strict_site_policy():
    assert directives(respond(page)[HEADER]) == STRICT


@pytest.mark.django_db
def test_a_page_through_the_whole_stack_gets_the_strict_policy_and_no_report_only(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert directives(response[HEADER]) == STRICT
    assert HEADER_REPORT_ONLY not in response


@pytest.mark.django_db
def test_an_api_answer_gets_the_strict_policy_too(client):
    response = client.get("/api/v1/projects")  # 401 without a token
    assert response.status_code == 401
    assert directives(response[HEADER]) == STRICT


def test_csp_update_widens_only_its_own_view():
    assert directives(respond(page_with_images)[HEADER]) == {
        **STRICT,
        "img-src": "'self' data: https:",
    }
    assert directives(respond(page)[HEADER]) == STRICT


def test_csp_replace_replaces_one_directive():
    assert directives(respond(page_with_other_images)[HEADER]) == {
        **STRICT,
        "img-src": "https://images.example",
    }


def test_an_exempt_view_gets_no_header():
    assert HEADER not in respond(exempt_page)


def test_a_nonce_asked_for_after_the_header_was_written_raises():
    request = RequestFactory().get("/")
    CSPMiddleware(page)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
