"""The request type of views that answer htmx (django-htmx's middleware adds `request.htmx`),
as django-htmx's own example types it, so mypy checks what views read of it."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
