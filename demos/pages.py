"""What the demo views share: page URLs, the refreshed part after a write, parsing ids.
Views import this module; no view module imports another."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django_htmx.http import trigger_client_event

from plumbing.htmx import HtmxHttpRequest

DEMO_CHANGED = "demo-changed"
DETAIL_TEMPLATE = "demos/demo_detail.html"


def demo_url(demo, name: str = "demo_detail", **kwargs) -> str:
    return reverse(
        f"demos:{name}", kwargs={"slug": demo.project.slug, "demo_id": demo.pk, **kwargs}
    )


def changed(
    request: HtmxHttpRequest, demo, part: str, context_builder, anchor: str = ""
) -> HttpResponse:
    """After a successful write: the refreshed part for htmx, a redirect to it otherwise."""
    if not request.htmx:
        return redirect(f"{demo_url(demo)}#{anchor or part}")
    response = TemplateResponse(request, f"{DETAIL_TEMPLATE}#{part}", context_builder())
    return trigger_client_event(response, DEMO_CHANGED)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
