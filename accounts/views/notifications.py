"""The notifications page (/notifications/) and the header's bell.

Everyone signed in sees only their own notifications; anyone else's id is a 404. Opening a
notification marks it read and goes to the page it is about; "Mark read" and "Mark all read" are
posts (htmx swaps the list in place, without JavaScript the page reloads).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Notification
from accounts.requests import SignedInRequest
from accounts.selectors.notifications import notifications_for
from accounts.services.notifications import notification_mark_read, notifications_mark_all_read


def _list_response(request: SignedInRequest, *, status: int = 200):
    unread_only = request.GET.get("show") == "unread"
    page = notifications_for(
        request.user, page=request.GET.get("page") or 1, unread_only=unread_only
    )
    template = "accounts/notifications.html"
    if request.htmx and request.htmx.target == "notifications":
        template += "#notifications"
    # The unread count is the bell's (accounts.context_processors), counted once a request.
    context = {"page": page, "unread_only": unread_only}
    return TemplateResponse(request, template, context, status=status)


@require_GET
@login_required
def notification_list(request):
    return _list_response(request)


@require_GET
@login_required
def bell(request):
    """The header's bell alone, for its periodic refresh."""
    return TemplateResponse(request, "base.html#bell", {})


@require_GET
@login_required
def notification_open(request, pk: int):
    """Mark the notification read and go where it points (only ever a path on this site)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=False
    ):
        return redirect("notifications:list")
    return HttpResponseRedirect(target)


@require_POST
@login_required
def notification_read(request: SignedInRequest, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, notification=notification)
    if request.htmx:
        return _list_response(request)
    return redirect(_back(request))


@require_POST
@login_required
def notifications_read_all(request: SignedInRequest):
    notifications_mark_all_read(user=request.user)
    if request.htmx:
        return _list_response(request)
    return redirect(_back(request))


def _back(request) -> str:
    """The list page the post came from (its filter and page kept), or the list."""
    back = request.POST.get("next", "")
    if back.startswith("/notifications/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts=None
    ):
        return back
    return "/notifications/"
