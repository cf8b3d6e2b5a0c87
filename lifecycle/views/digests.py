"""Previews of the weekly digests (the email's HTML rendered in the app layout) and the signed
unsubscribe link. Access: the manager digest is for managers and superusers (403 for any other
signed-in user); /digests/me/ is always the signed-in user's own; a project's stakeholder
digest follows the project's readers (404 for outsiders)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import get_project_for_reader
from ..selectors.digests import (
    Digest,
    digest_preferences,
    digest_week,
    manager_digest,
    member_digest,
    project_subscribers,
    stakeholder_digest,
)
from ..services.digests import (
    digest_context,
    digest_preferences_save,
    digest_subscribe,
    digest_unsubscribe,
    digest_unsubscribe_project,
)
from ..weeks import BadWeek, parse_week


def _week_or_400(request):
    text = request.GET.get("week", "").strip()
    if not text:
        return digest_week(timezone.now()), None
    try:
        return parse_week(text), None
    except BadWeek as error:
        response = TemplateResponse(
            request, "lifecycle/digests/bad_week.html", {"message": str(error)}, status=400
        )
        return None, response


def _preview(request, digest: Digest, title: str, status=200, **extra) -> TemplateResponse:
    context = digest_context(digest)
    context.update(title=title, template_name=f"lifecycle/digests/_{digest.kind}.html", **extra)
    return TemplateResponse(request, "lifecycle/digests/preview.html", context, status=status)


@require_GET
@login_required
def manager_digest_view(request):
    if not (request.user.is_superuser or request.user.has_perm("accounts.view_all_projects")):
        raise PermissionDenied("The portfolio digest is for portfolio managers.")
    week, bad = _week_or_400(request)
    if bad:
        return bad
    digest = manager_digest(user=request.user, week=week)
    return _preview(request, digest, "The portfolio's week")


@require_GET
@login_required
def member_digest_view(request):
    week, bad = _week_or_400(request)
    if bad:
        return bad
    digest = member_digest(user=request.user, week=week)
    return _preview(request, digest, "Your projects' week")


class StakeholderForm(forms.Form):
    name = forms.CharField(max_length=120, required=False)
    email = forms.EmailField(help_text="Where the weekly update goes; no account needed.")


def _project_preview(request, access, week, form=None, status=200):
    digest = stakeholder_digest(project=access.project, week=week)
    subscribers = project_subscribers(project=access.project)
    me = request.user.email.lower()
    return _preview(
        request,
        digest,
        f"{access.project.name}: the week",
        status=status,
        access=access,
        form=form or StakeholderForm(),
        subscribers=subscribers if access.can_edit else [],
        subscribed=bool(me) and any(s.email == me for s in subscribers),
    )


@require_GET
@login_required
def project_digest(request, slug: str):
    access = get_project_for_reader(request.user, slug)
    week, bad = _week_or_400(request)
    if bad:
        return bad
    return _project_preview(request, access, week)


@require_POST
@login_required
def project_digest_subscribe(request, slug: str):
    """A reader asks for the update for themselves (no fields); an editor adds a stakeholder
    by name and email (a viewer who tries gets 403)."""
    access = get_project_for_reader(request.user, slug)
    url = reverse("lifecycle:digest_project", args=[access.project.slug])
    if "email" not in request.POST:
        if not request.user.email:
            messages.error(request, "Add an email address to your account first.")
            return redirect(url)
        digest_subscribe(
            project=access.project,
            email=request.user.email,
            name=request.user.display_name,
            user=request.user,
        )
        messages.success(request, "You will get this project's weekly update.")
        return redirect(url)
    if not access.can_edit:
        raise PermissionDenied("Only the project's editors can add stakeholders.")
    form = StakeholderForm(request.POST)
    if not form.is_valid():
        return _project_preview(request, access, digest_week(timezone.now()), form, 422)
    digest_subscribe(project=access.project, **form.cleaned_data)
    messages.success(request, f"{form.cleaned_data['email']} will get the weekly update.")
    return redirect(url)


@require_POST
@login_required
def project_digest_unsubscribe(request, slug: str):
    """A reader stops their own update; an editor may remove any stakeholder's (`email`)."""
    access = get_project_for_reader(request.user, slug)
    email = request.POST.get("email", "").strip() or request.user.email
    if email.lower() != request.user.email.lower() and not access.can_edit:
        raise PermissionDenied("Only the project's editors can remove other stakeholders.")
    digest_unsubscribe_project(project=access.project, email=email)
    messages.success(request, f"{email} will no longer get this project's weekly update.")
    return redirect(reverse("lifecycle:digest_project", args=[access.project.slug]))


@require_POST
@login_required
def digest_preferences_view(request):
    """The profile's digest checkboxes (accounts/profile.html includes the form)."""
    kinds = {kind for kind, _, _ in digest_preferences(user=request.user)}
    try:
        digest_preferences_save(
            email=request.user.email, kinds=kinds, enabled=set(request.POST.getlist("kind"))
        )
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your digest choices are saved.")
    return redirect(reverse("accounts:profile") + "#digests")


@require_http_methods(["GET", "POST"])
def digest_unsubscribe_view(request, token: str):
    """GET asks to confirm (mail scanners follow links), POST turns the digest off."""
    try:
        signing.loads(token, salt="lifecycle.digests.unsubscribe")
    except signing.BadSignature:
        context = {
            "heading": "This unsubscribe link is not valid",
            "message": "The link was changed or cut short; nothing was turned off. "
            "Copy the whole link from the email, or turn digests off on your profile.",
        }
        return TemplateResponse(request, "lifecycle/digests/unsubscribed.html", context, status=400)
    if request.method == "POST":
        digest_unsubscribe(token=token)
        context = {"heading": "Unsubscribed", "message": "You will get no more of these digests."}
        return TemplateResponse(request, "lifecycle/digests/unsubscribed.html", context)
    return TemplateResponse(request, "lifecycle/digests/unsubscribe_confirm.html", {"token": token})
