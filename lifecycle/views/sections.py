"""In-place editing of the one-pager's sections, with htmx or by plain form post.

Every edit carries the version it started from; a save over someone else's newer save is
refused with a conflict screen that keeps the user's text (see services.document_save).
"""

import dataclasses
import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from .. import services
from ..access import get_project_for_editor
from ..forms import (
    CharterForm,
    CriterionForm,
    ExitCriterionForm,
    ProjectDetailsForm,
    RiskForm,
    StageForm,
    StopRuleForm,
)
from ..history import changes_since, values_at_version
from ..models import Project
from .projects import project_page_context

CHANGED_EVENT = "project-changed"


def _section_saved(request, access, section: str, **extra):
    """After a successful write: the refreshed section for htmx, a redirect otherwise."""
    if not request.htmx:
        return redirect(f"{access.project.get_absolute_url()}#{section}")
    # Render from the stored state, not from objects loaded before the write.
    fresh = Project.objects.select_related("team", "owner").get(pk=access.project.pk)
    access = dataclasses.replace(access, project=fresh)
    response = TemplateResponse(
        request,
        f"lifecycle/project_detail.html#{section}",
        project_page_context(access, **extra),
    )
    response = retarget(reswap(response, "outerHTML"), f"#{section}")
    return trigger_client_event(response, CHANGED_EVENT)


def _form_response(request, access, form, *, title, action, section, conflict=None, place=None):
    """The edit form: as a fragment for htmx, inside a full page otherwise.

    `place` overrides where Cancel and the crumbs lead (`cancel_url` and `cancel_target` for
    htmx, `back_url` and `back_label` without it); by default, the one-pager's `section`.
    """
    if conflict is not None:
        status = 409
    elif request.method == "POST":
        status = 422
    else:
        status = 200
    context = {
        "project": access.project,
        "access": access,
        "form": form,
        "title": title,
        "action": action,
        "section": section,
        "cancel_url": reverse("lifecycle:project_section", args=[access.project.slug, section]),
        "cancel_target": f"#{section}",
        "back_url": f"{access.project.get_absolute_url()}#{section}",
        "back_label": access.project.name,
        "conflict": conflict,
        **(place or {}),
    }
    template = "lifecycle/section_form.html"
    if request.htmx:
        template += "#form"
    return TemplateResponse(request, template, context, status=status)


def _edit(
    request,
    access,
    *,
    instance,
    form_class,
    section,
    title,
    action,
    form_kwargs=None,
    place=None,
    save=None,
    on_saved=None,
    **saved,
):
    """Open, validate and save a versioned section form, with the conflict screen on a race.

    `save(fields, expected_version)` replaces the plain services.document_save (it must raise
    EditConflict the same way) and `on_saved(stored)` the one-pager's refreshed section; the log
    page uses both.
    """
    form_kwargs = form_kwargs or {}
    shown = {"title": title, "action": action, "section": section, "place": place}
    if request.method == "GET":
        form = form_class(instance=instance, **form_kwargs)
        return _form_response(request, access, form, **shown)

    form = form_class(request.POST, instance=instance, **form_kwargs)
    if not form.is_valid():
        return _form_response(request, access, form, **shown)
    fields = form.changed_fields()
    expected = form.cleaned_data["version"]
    try:
        if save is None:
            stored = services.document_save(
                instance=instance, fields=fields, expected_version=expected, by=request.user
            )
        else:
            stored = save(fields, expected)
    except services.EditConflict as error:
        return _conflict(
            request, access, error, form, fields, expected, section, title, action, place
        )
    if on_saved is not None:
        return on_saved(stored)
    return _section_saved(request, access, section, **saved)


def _conflict(request, access, error, form, fields, expected, section, title, action, place=None):
    current = error.current
    if current is None:
        conflict = {"deleted": True, "changes": []}
    else:
        conflict = {
            "deleted": False,
            "changes": changes_since(current, expected, list(fields)),
            "by": current.history.order_by("-history_id").first().history_user,
            "at": current.updated_at,
        }
        data = _merged_form_data(form, fields, current, expected)
        form = type(form)(data, instance=current, **_form_kwargs_of(form))
        form.is_valid()
    return _form_response(
        request,
        access,
        form,
        title=title,
        action=action,
        section=section,
        conflict=conflict,
        place=place,
    )


def _merged_form_data(form, fields: dict, current, expected: int):
    """The user's form, refilled for a deliberate second save after a conflict.

    Fields the user changed keep their text; fields they left as they found them take the
    current value, so saving again cannot undo a colleague's change to a field the user never
    touched. The version becomes the current one, so the second save goes through.
    """
    data = form.data.copy()
    data["version"] = current.version
    base = values_at_version(current, expected)
    if base is None:
        return data
    for name, submitted in fields.items():
        attname = current._meta.get_field(name).attname
        if isinstance(submitted, Model):
            submitted = submitted.pk
        if submitted == base.get(attname):
            data[name] = _as_form_value(getattr(current, attname))
    return data


def _as_form_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # a JSON list edited one item per line (an experiment's links)
        return "\n".join(str(item) for item in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _form_kwargs_of(form) -> dict:
    return {"project": form.project} if hasattr(form, "project") else {}


@require_http_methods(["GET", "POST"])
@login_required
def charter_edit(request, slug):
    access = get_project_for_editor(request.user, slug)
    return _edit(
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
    return _edit(
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
    return _edit(
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
    return _edit(
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
        return _section_saved(request, access, "criteria")
    return _form_response(
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
    return _edit(
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
        return _section_saved(request, access, "risks")
    return _form_response(
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
    rows, section = {
        "criteria": (access.project.criteria, "criteria"),
        "risks": (access.project.risks, "risks"),
    }[kind]
    row = get_object_or_404(rows, pk=pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.document_delete(instance=row, expected_version=version, by=request.user)
    except services.EditConflict:
        return _section_saved(
            request,
            access,
            section,
            section_notice=(
                f"“{row}” was changed by someone else since you loaded the page, so it was "
                "not deleted. Check the new version below and delete again if you still mean to."
            ),
        )
    return _section_saved(request, access, section)


@require_http_methods(["GET", "POST"])
@login_required
def stage_edit(request, slug, kind):
    access = get_project_for_editor(request.user, slug)
    stage = get_object_or_404(access.project.stages, kind=kind)
    return _edit(
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
        return _section_saved(request, access, "stages", open_stage=kind)
    return _section_saved(
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
    return _section_saved(request, access, "stages", open_stage=kind)


@require_POST
@login_required
def exit_criterion_delete(request, slug, kind, pk):
    access = get_project_for_editor(request.user, slug)
    stage = get_object_or_404(access.project.stages, kind=kind)
    item = get_object_or_404(stage.exit_criteria, pk=pk)
    services.exit_criterion_delete(item=item, by=request.user)
    return _section_saved(request, access, "stages", open_stage=kind)
