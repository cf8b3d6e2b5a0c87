"""Stage moves and end decisions: each is recorded in the decision log with who, when and why."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from .. import services
from ..access import get_project_for_editor, get_project_for_owner
from ..forms import MoveStageForm, ReopenForm, ShipForm, StopForm


def _decide(request, access, form, decide, *, title, done_message, template_extra=None):
    if request.method == "POST" and form.is_valid():
        try:
            decide(form.cleaned_data)
        except services.DecisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done_message)
            return redirect(access.project)
    status = 422 if request.method == "POST" else 200
    context = {"project": access.project, "access": access, "form": form, "title": title}
    context.update(template_extra or {})
    return TemplateResponse(request, "lifecycle/decision.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def project_move(request, slug):
    access = get_project_for_editor(request.user, slug)
    project = access.project
    form = MoveStageForm(request.POST or None, project=project)
    return _decide(
        request,
        access,
        form,
        lambda data: services.project_move_to_stage(
            project=project, to_stage=data["to_stage"], by=request.user, reason=data["reason"]
        ),
        title="Move to another stage",
        done_message="Stage changed and recorded in the decision log.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_ship(request, slug):
    access = get_project_for_owner(request.user, slug)
    project = access.project
    return _decide(
        request,
        access,
        ShipForm(request.POST or None),
        lambda data: services.project_ship(project=project, by=request.user, note=data["note"]),
        title="Mark as shipped",
        done_message="Marked as shipped. It stays on the board under Monitoring.",
        template_extra={"watch_needed": not project.watched_series.exists()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_stop(request, slug):
    access = get_project_for_owner(request.user, slug)
    project = access.project
    return _decide(
        request,
        access,
        StopForm(request.POST or None),
        lambda data: services.project_stop(
            project=project, by=request.user, stop_reason=data["stop_reason"], note=data["note"]
        ),
        title="Stop the project",
        done_message="Project stopped. The reason is kept in the portfolio's memory.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_reopen(request, slug):
    access = get_project_for_owner(request.user, slug)
    project = access.project
    return _decide(
        request,
        access,
        ReopenForm(request.POST or None),
        lambda data: services.project_reopen(
            project=project, by=request.user, reason=data["reason"]
        ),
        title="Reopen the project",
        done_message="Project reopened.",
    )
