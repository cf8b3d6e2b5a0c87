"""Previews of the weekly digests (the email's HTML rendered in the app layout) and the signed
unsubscribe link. Access: the manager digest is for managers and superusers (403 for any other
signed-in user); /digests/me/ is always the signed-in user's own; a project's stakeholder
digest follows the project's readers (404 for outsiders)."""

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..access import get_project_for_reader
from ..models import DigestKind, Project
from ..selectors.digests import Digest, digest_week, project_weeks
from ..services.digests import digest_context, digest_unsubscribe
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


def _preview(request, digest: Digest, title: str) -> TemplateResponse:
    context = digest_context(digest)
    context.update(title=title, template_name=f"lifecycle/digests/_{digest.kind}.html")
    return TemplateResponse(request, "lifecycle/digests/preview.html", context)


@require_GET
@login_required
def manager_digest(request):
    if not (request.user.is_superuser or request.user.has_perm("accounts.view_all_projects")):
        raise PermissionDenied("The portfolio digest is for portfolio managers.")
    week, bad = _week_or_400(request)
    if bad:
        return bad
    items = list(project_weeks(week=week).values())
    digest = Digest(DigestKind.MANAGER, request.user.email, request.user.display_name, week, items)
    return _preview(request, digest, "The portfolio's week")


@require_GET
@login_required
def member_digest(request):
    week, bad = _week_or_400(request)
    if bad:
        return bad
    team_ids = request.user.memberships.values_list("team_id", flat=True)
    ids = list(Project.objects.filter(team_id__in=team_ids).values_list("pk", flat=True))
    items = list(project_weeks(week=week, project_ids=ids).values())
    digest = Digest(DigestKind.MEMBER, request.user.email, request.user.display_name, week, items)
    return _preview(request, digest, "Your projects' week")


@require_GET
@login_required
def project_digest(request, slug: str):
    access = get_project_for_reader(request.user, slug)
    week, bad = _week_or_400(request)
    if bad:
        return bad
    item = project_weeks(week=week, project_ids=[access.project.pk])[access.project.pk]
    digest = Digest(
        DigestKind.STAKEHOLDER,
        request.user.email,
        request.user.display_name,
        week,
        [item],
        project=access.project,
    )
    return _preview(request, digest, f"{access.project.name}: the week")


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
