"""What the views that edit a project's documents share: the one-pager's read model, the
section form (htmx fragment or full page), the conflict screen that keeps the user's text when
someone saved first (services.document_save raises EditConflict), and the refreshed section
after a save. Views import this module; no view module imports another.
"""

import dataclasses
import datetime

from django.db.models import Model, Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import reswap, retarget, trigger_client_event

from plumbing.htmx import HtmxHttpRequest

from . import services
from .charts import ProjectProgress
from .forms import CriterionForm, ExitCriterionForm, MoveStageForm, RiskForm, ShipForm, StopForm
from .health import project_health
from .history import changes_since, values_at_version
from .models import CriterionKind, ExitCriterion, Project, ProjectEvent
from .timeline import stage_timeline


def project_page_context(access, **extra) -> dict:
    """Everything the one-pager shows, read in a fixed number of queries."""
    project = access.project
    stages = list(
        project.stages.prefetch_related(
            Prefetch("exit_criteria", queryset=ExitCriterion.objects.order_by("position", "id"))
        )
    )
    criteria = list(project.criteria.all())
    summary = getattr(project, "board_summary", None)
    risks = sorted(
        project.risks.select_related("owner"),
        key=lambda risk: (risk.status != "open", -risk.score, -risk.pk),
    )
    context = {
        "project": project,
        "access": access,
        "charter": project.charter,
        "stop_rule": project.stop_rule,
        "business_criteria": [c for c in criteria if c.kind == CriterionKind.BUSINESS],
        "model_criteria": [c for c in criteria if c.kind == CriterionKind.MODEL],
        "risks": risks,
        "stages": stages,
        "timeline": stage_timeline(stages, today=timezone.localdate()),
        "events": ProjectEvent.objects.filter(project=project).select_related("actor")[:12],
        "health": project_health(project, summary),
        "alerts": summary.alerts if summary else [],
        # Read only when the page shows the charts: two queries, however long the log.
        "progress": ProjectProgress(project, criteria),
    }
    if access.can_edit:
        context.update(
            criterion_form=CriterionForm(project=project),
            risk_form=RiskForm(project=project),
            exit_form=ExitCriterionForm(),
            move_form=MoveStageForm(project=project),
            ship_form=ShipForm(),
            stop_form=StopForm(),
        )
    context.update(extra)
    return context


CHANGED_EVENT = "project-changed"


def section_saved(request: HtmxHttpRequest, access, section: str, **extra):
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


def form_response(
    request: HtmxHttpRequest, access, form, *, title, action, section, conflict=None, place=None
):
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


def section_edit(
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
        return form_response(request, access, form, **shown)

    form = form_class(request.POST, instance=instance, **form_kwargs)
    if not form.is_valid():
        return form_response(request, access, form, **shown)
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
        return conflict_response(
            request, access, error, form, fields, expected, section, title, action, place
        )
    if on_saved is not None:
        return on_saved(stored)
    return section_saved(request, access, section, **saved)


def conflict_response(
    request, access, error, form, fields, expected, section, title, action, place=None
):
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
    return form_response(
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
