"""The login page when django-axes refuses a login: the same page, saying which lock holds and
for how long (AXES_LOCKOUT_CALLABLE), with status 429 and Retry-After."""

import datetime
import math

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from ..selectors.logins import login_lock_kind


def duration_words(span: datetime.timedelta) -> str:
    """15 minutes → "15 minutes"; 2 hours → "2 hours"; 90 seconds → "2 minutes"."""
    minutes = max(1, math.ceil(span.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lock_message(kind: str, span: datetime.timedelta) -> str:
    whose = "this account" if kind == "account" else "your network address"
    return f"Too many failed attempts for {whose}. Try again in {duration_words(span)}."


def login_locked(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    span = settings.AXES_COOLOFF_TIME
    next_url = request.POST.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": next_url,
        "lock_message": lock_message(login_lock_kind(username), span),
    }
    # Rendered here: a response from a middleware (AxesMiddleware) is not rendered later.
    response = render(request, "registration/login.html", context, status=429)
    # Every attempt while locked starts the wait again (AXES_COOLOFF_TIME), so this is exact.
    response["Retry-After"] = str(int(span.total_seconds()))
    return response
