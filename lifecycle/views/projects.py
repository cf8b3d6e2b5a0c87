from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from plumbing.htmx import HtmxHttpRequest

from .. import services
from ..access import get_project_for_reader, teams_user_can_create_in
from ..editing import project_page_context
from ..forms import (
    ProjectCreateForm,
)
from ..selectors.history import project_history
from ..selectors.projects import home_projects


@require_GET
@login_required
def home(request):
    home = home_projects(request.user, timezone.localdate())
    return TemplateResponse(
        request,
        "lifecycle/home.html",
        {
            "columns": home.columns,
            "ended": home.ended,
            "project_count": home.count,
            "is_manager": request.user.is_portfolio_manager,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_new(request):
    teams = teams_user_can_create_in(request.user)
    form = ProjectCreateForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            team=form.cleaned_data["team"],
            name=form.cleaned_data["name"],
            summary=form.cleaned_data["summary"],
            owner=request.user,
            by=request.user,
        )
        messages.success(request, "Project created. Start with the charter and success criteria.")
        return redirect(project)
    status = 422 if request.method == "POST" else 200
    return TemplateResponse(
        request, "lifecycle/project_new.html", {"form": form, "teams": teams}, status=status
    )


@require_GET
@login_required
def project_detail(request, slug):
    access = get_project_for_reader(request.user, slug)
    return TemplateResponse(request, "lifecycle/project_detail.html", project_page_context(access))


# An entry with its diff is a screen on a phone: twenty a page, not an endless column.
HISTORY_PER_PAGE = 20

SECTION_PARTIALS = {
    "details": "details",
    "charter": "charter",
    "stop-rule": "stop-rule",
    "criteria": "criteria",
    "risks": "risks",
    "stages": "stages",
    "activity": "activity",
}


@require_GET
@login_required
def project_section(request: HtmxHttpRequest, slug, section):
    """One section of the one-pager, for htmx refreshes and the Cancel button of an edit."""
    access = get_project_for_reader(request.user, slug)
    if section not in SECTION_PARTIALS:
        raise Http404("No such section.")
    if not request.htmx:
        return redirect(f"{access.project.get_absolute_url()}#{section}")
    return TemplateResponse(
        request,
        f"lifecycle/project_detail.html#{SECTION_PARTIALS[section]}",
        project_page_context(access),
    )


@require_GET
@login_required
def project_history_view(request, slug):
    access = get_project_for_reader(request.user, slug)
    history = Paginator(project_history(access.project), HISTORY_PER_PAGE)
    page = history.get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "lifecycle/project_history.html",
        {"project": access.project, "access": access, "page": page},
    )
