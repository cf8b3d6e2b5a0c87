"""The error pages people see: 403, 404 and a refused form (CSRF), each saying what happened and
what to do next (templates/403.html, 404.html, 403_csrf.html).

A share link's visitor has no account, so an error under a share link's address gets the demo's
own frame (demos/public_base.html: no way into the app, nothing about signing in) and says to ask
for a new link. 400.html and 500.html are Django's own handlers, which render without a request
or a database; they need no view here.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template import loader
from django.urls import reverse


def _on_share_link(request: HttpRequest) -> bool:
    # The prefix of every share-link address ("/d/"), read from the URLconf, not copied.
    prefix = reverse("demos:shared_demo", kwargs={"token": "t"}).removesuffix("t/")
    return request.path.startswith(prefix)


def _frame(request: HttpRequest) -> str:
    return "demos/public_base.html" if _on_share_link(request) else "base.html"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    template = loader.get_template("404.html")
    body = template.render({"frame": _frame(request), "public": _on_share_link(request)}, request)
    return HttpResponse(body, status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # access.py's messages are written for the person refused ("Your role on this project does
    # not allow that change."), so the page repeats them.
    context = {
        "frame": _frame(request),
        "public": _on_share_link(request),
        "reason": str(exception),
    }
    return HttpResponseForbidden(loader.get_template("403.html").render(context, request))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from a page that was open too long, or without cookies."""
    context = {"frame": _frame(request), "public": _on_share_link(request)}
    return HttpResponseForbidden(loader.get_template("403_csrf.html").render(context, request))
