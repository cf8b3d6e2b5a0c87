"""The Content-Security-Policy header: built once for the whole site, but views that change the
policy (csp_update, a nonce, csp_exempt) still get their own."""

import pytest
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from config.middleware import CSPMiddleware

HEADER = "Content-Security-Policy"


def page(request):
    return HttpResponse("ok")


@csp_update({"img-src": ["https:"]})
def page_with_images(request):
    return HttpResponse("ok")


def page_with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


@csp_exempt()
def exempt_page(request):
    return HttpResponse("ok")


def respond(view, middleware_class=CSPMiddleware):
    return middleware_class(view)(RequestFactory().get("/"))


@pytest.mark.parametrize("view", [page, page_with_images, page_with_nonce, exempt_page])
def test_every_view_gets_the_header_django_csp_would_send(view):
    ours, theirs = respond(view), respond(view, DjangoCSPMiddleware)
    assert ours.get(HEADER) == theirs.get(HEADER)


def test_a_plain_page_gets_the_strict_site_policy():
    assert respond(page)[HEADER] == build_policy()
    assert "default-src 'none'" in build_policy()


def test_a_view_that_widens_the_policy_gets_its_own_and_the_next_page_does_not():
    middleware = CSPMiddleware(page_with_images)
    widened = middleware(RequestFactory().get("/"))[HEADER]
    assert "img-src 'self' data: https:" in widened
    assert middleware(RequestFactory().get("/"))[HEADER] == widened
    assert respond(page)[HEADER] == build_policy()


def test_an_exempt_view_gets_no_header():
    assert HEADER not in respond(exempt_page)
