"""In-place editing of the one-pager's sections, with htmx or by plain form post.

Every edit carries the version it started from; a save over someone else's newer save is
refused with a conflict screen that keeps the user's text (see services.document_save).
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..access import get_project_for_editor
from ..editing import form_response, section_edit, section_saved
from ..forms import (
    CharterForm,
    CriterionForm,
    ExitCriterionForm,
    ProjectDetailsForm,
    RiskForm,
    StageForm,
    StopRuleForm,
)


@require_http_methods(["GET", "POST"])
@login_required
def charter_edit(request, slug):
    access = get_project_for_editor(request.user, slug)
    return section_edit(
        request,
        access,
        instance=access.project.charter,
        form_class=CharterForm,
        section="charter",
        title="Edit the charter",
        action=reverse("lifecycle:charter_edit", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def details_edit(request, slug):
    access = get_project_for_editor(request.user, slug)
    return section_edit(
        request,
        access,
        instance=access.project,
        form_class=ProjectDetailsForm,
        section="details",
        title="Edit the project details",
        action=reverse("lifecycle:details_edit", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def stop_rule_edit(request, slug):
    access = get_project_for_editor(request.user, slug)
    return section_edit(
        request,
        access,
        instance=access.project.stop_rule,
        form_class=StopRuleForm,
        section="stop-rule",
        title="Edit the stop rule",
        action=reverse("lifecycle:stop_rule_edit", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def criterion_edit(request, slug, pk):
    access = get_project_for_editor(request.user, slug)
    criterion = get_object_or_404(access.project.criteria, pk=pk)
    return section_edit(
        request,
        access,
        instance=criterion,
        form_class=CriterionForm,
        form_kwargs={"project": access.project},
        section="criteria",
        title=f"Edit “{criterion.name}”",
        action=reverse("lifecycle:criterion_edit", args=[slug, pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def criterion_new(request, slug):
    access = get_project_for_editor(request.user, slug)
    form = CriterionForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        services.criterion_add(
            project=access.project, fields=form.changed_fields(), by=request.user
        )
        return section_saved(request, access, "criteria")
    return form_response(
        request,
        access,
        form,
        title="Add a success criterion",
        action=reverse("lifecycle:criterion_new", args=[slug]),
        section="criteria",
    )


@require_http_methods(["GET", "POST"])
@login_required
def risk_edit(request, slug, pk):
    access = get_project_for_editor(request.user, slug)
    risk = get_object_or_404(access.project.risks, pk=pk)
    return section_edit(
        request,
        access,
        instance=risk,
        form_class=RiskForm,
        form_kwargs={"project": access.project},
        section="risks",
        title=f"Edit “{risk.title}”",
        action=reverse("lifecycle:risk_edit", args=[slug, pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def risk_new(request, slug):
    access = get_project_for_editor(request.user, slug)
    form = RiskForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        services.risk_add(project=access.project, fields=form.changed_fields(), by=request.user)
        return section_saved(request, access, "risks")
    return form_response(
        request,
        access,
        form,
        title="Add a risk",
        action=reverse("lifecycle:risk_new", args=[slug]),
        section="risks",
    )


@require_POST
@login_required
def row_delete(request, slug, kind, pk):
    """Delete a criterion or a risk, refused if it changed since the page was loaded."""
    access = get_project_for_editor(request.user, slug)
    sections: dict[str, tuple[Any, str]] = {
        "criteria": (access.project.criteria, "criteria"),
        "risks": (access.project.risks, "risks"),
    }
    rows, section = sections[kind]
    row = get_object_or_404(rows, pk=pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.document_delete(instance=row, expected_version=version, by=request.user)
    except services.EditConflict:
        return section_saved(
            request,
            access,
            section,
            section_notice=(
                f"“{row}” was changed by someone else since you loaded the page, so it was "
                "not deleted. Check the new version below and delete again if you still mean to."
            ),
        )
    return section_saved(request, access, section)


@require_http_methods(["GET", "POST"])
@login_required
def stage_edit(request, slug, kind):
    access = get_project_for_editor(request.user, slug)
    stage = get_object_or_404(access.project.stages, kind=kind)
    return section_edit(
        request,
        access,
        instance=stage,
        form_class=StageForm,
        section="stages",
        title=f"Edit the {stage.get_kind_display()} stage",
        action=reverse("lifecycle:stage_edit", args=[slug, kind]),
        open_stage=kind,
    )


@require_POST
@login_required
def exit_criterion_add(request, slug, kind):
    access = get_project_for_editor(request.user, slug)
    stage = get_object_or_404(access.project.stages, kind=kind)
    form = ExitCriterionForm(request.POST)
    if form.is_valid():
        services.exit_criterion_add(stage=stage, text=form.cleaned_data["text"], by=request.user)
        return section_saved(request, access, "stages", open_stage=kind)
    return section_saved(
        request,
        access,
        "stages",
        open_stage=kind,
        exit_error=(kind, "Write the exit criterion (up to 240 characters) before adding it."),
    )


@require_POST
@login_required
def exit_criterion_toggle(request, slug, kind, pk):
    access = get_project_for_editor(request.user, slug)
    stage = get_object_or_404(access.project.stages, kind=kind)
    item = get_object_or_404(stage.exit_criteria, pk=pk)
    services.exit_criterion_set_done(
        item=item, done=request.POST.get("done") == "on", by=request.user
    )
    return section_saved(request, access, "stages", open_stage=kind)


@require_POST
@login_required
def exit_criterion_delete(request, slug, kind, pk):
    access = get_project_for_editor(request.user, slug)
    stage = get_object_or_404(access.project.stages, kind=kind)
    item = get_object_or_404(stage.exit_criteria, pk=pk)
    services.exit_criterion_delete(item=item, by=request.user)
    return section_saved(request, access, "stages", open_stage=kind)
