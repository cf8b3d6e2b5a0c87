"""The weekly experiment log of a project: one timebox per ISO week, newest week first.

Everything is edited in place with htmx and works by plain form post as well. A write answers
htmx with the part of the page it changed (a week, its plan, one experiment, or the week's review)
and the "log-changed" event; without htmx it redirects to the log, at the week it changed.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from plumbing.htmx import HtmxHttpRequest

from .. import experiment_log
from ..access import ProjectAccess, get_project_for_editor, get_project_for_reader
from ..editing import form_response, section_edit
from ..forms import ExperimentForm, ReadingForm, TimeboxForm
from ..models import Experiment, Project, SuccessCriterion, Timebox
from ..queries import latest_likelihood
from ..selectors.log import (
    WEEKS_PER_PAGE,
    LogWeek,
    log_span,
    log_url,
    log_weeks,
    mondays_between,
    page_of,
)
from ..weeks import week_label

LOG_CHANGED = "log-changed"
TEMPLATE = "lifecycle/log.html"


# What the page shows -------------------------------------------------------------------------


def _weeks(
    access: ProjectAccess,
    mondays: list[datetime.date],
    *,
    criteria: list[SuccessCriterion],
    reading_form: ReadingForm | None = None,
) -> list[LogWeek]:
    """The log's weeks, each experiment with the reading form editors add readings with."""
    weeks = log_weeks(access.project, mondays)
    if access.can_edit:
        for week in weeks:
            for experiment in week.experiments:
                if reading_form is not None and reading_form.experiment_pk == experiment.pk:
                    experiment.reading_form = reading_form  # type: ignore[attr-defined]  # for the template
                else:
                    experiment.reading_form = _reading_form(experiment, criteria)  # type: ignore[attr-defined]
    return weeks


def _reading_form(experiment: Experiment, criteria, data=None) -> ReadingForm:
    form = ReadingForm(data, criteria=criteria, auto_id=f"reading-{experiment.pk}-%s")
    form.experiment_pk = experiment.pk
    return form


def _criteria(access: ProjectAccess) -> list[SuccessCriterion]:
    # Only editors get the reading forms that need them; readings carry their own criterion.
    return list(access.project.criteria.all()) if access.can_edit else []


def _week(access: ProjectAccess, monday: datetime.date, **kwargs) -> LogWeek:
    (week,) = _weeks(access, [monday], criteria=_criteria(access), **kwargs)
    return week


def _place(project: Project, monday: datetime.date, target: str, query: str = "") -> dict:
    """Where an edit form's Cancel leads: back to the part it was opened in."""
    return {
        "cancel_url": reverse("lifecycle:log_week", args=[project.slug, monday]) + query,
        "cancel_target": target,
        "back_url": log_url(project, monday, target.lstrip("#")),
        "back_label": f"Weekly log of {project.name}",
    }


def _part(
    request,
    access: ProjectAccess,
    monday: datetime.date,
    part: str,
    target: str,
    *,
    status: int = 200,
    experiment_pk: int | None = None,
    reading_form: ReadingForm | None = None,
    oob: str = "",
) -> HttpResponse:
    """One part of the page, read fresh from the database, swapped in place of `target`."""
    week = _week(access, monday, reading_form=reading_form)
    context = {"project": access.project, "access": access, "week": week}
    if part == "experiment":
        experiment = next((e for e in week.experiments if e.pk == experiment_pk), None)
        if experiment is None:  # gone meanwhile: show the week as it is now
            part, target = "week", f"#week-{week.label}"
        context["experiment"] = experiment
    html = render_to_string(f"{TEMPLATE}#{part}", context, request=request) + oob
    response = retarget(reswap(HttpResponse(html, status=status), "outerHTML"), target)
    return trigger_client_event(response, LOG_CHANGED) if status == 200 else response


def _changed(
    request, access, monday, part: str, target: str, anchor: str = "", **kwargs
) -> HttpResponse:
    """After a successful write: the changed part for htmx, a redirect to it otherwise."""
    if not request.htmx:
        return redirect(log_url(access.project, monday, anchor or target.lstrip("#")))
    return _part(request, access, monday, part, target, **kwargs)


def _experiment_of(access: ProjectAccess, pk: int) -> Experiment:
    return get_object_or_404(access.project.experiments.select_related("timebox"), pk=pk)


# Pages and parts ------------------------------------------------------------------------------


@require_GET
@login_required
def log_page(request, slug):
    access = get_project_for_reader(request.user, slug)
    project = access.project
    oldest, newest = log_span(project, timezone.localdate())
    page = Paginator(mondays_between(oldest, newest), WEEKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    criteria = _criteria(access)
    context = {
        "project": project,
        "access": access,
        "weeks": _weeks(access, list(page.object_list), criteria=criteria),
        "page": page,
        "latest": latest_likelihood(project),
    }
    return TemplateResponse(request, TEMPLATE, context)


@require_GET
@login_required
def log_week(request: HtmxHttpRequest, slug, monday):
    """A week, or a part of it (`?part=review`, `?experiment=<id>`), for htmx: Cancel uses it."""
    access = get_project_for_reader(request.user, slug)
    if not request.htmx:
        return redirect(log_url(access.project, monday))
    week = _week(access, monday)
    context = {"project": access.project, "access": access, "week": week}
    if request.GET.get("part") == "review":
        return TemplateResponse(request, f"{TEMPLATE}#review", context)
    if "experiment" in request.GET:
        wanted = request.GET["experiment"]
        experiment = next((e for e in week.experiments if str(e.pk) == wanted), None)
        if experiment is None:
            raise Http404("No such experiment in this week.")
        return TemplateResponse(
            request, f"{TEMPLATE}#experiment", {**context, "experiment": experiment}
        )
    return TemplateResponse(request, f"{TEMPLATE}#week", context)


# Writes ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def experiment_new(request, slug, monday):
    """Add an experiment to the week's plan, at the end (the lowest priority)."""
    access = get_project_for_editor(request.user, slug)
    label = week_label(monday)
    form = ExperimentForm(request.POST or None, auto_id=f"plan-{label}-%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            experiment_log.experiment_add(
                project=access.project,
                week_start=monday,
                by=request.user,
                **{name: data[name] for name in ExperimentForm.Meta.fields},
            )
        except experiment_log.LogError as error:
            form.add_error(None, str(error))
        else:
            return _changed(request, access, monday, "week", f"#week-{label}")
    return form_response(
        request,
        access,
        form,
        title=f"Plan an experiment for {label}",
        action=reverse("lifecycle:experiment_new", args=[slug, monday]),
        section=f"plan-{label}",
        place=_place(access.project, monday, f"#week-{label}"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def experiment_edit(request, slug, pk):
    access = get_project_for_editor(request.user, slug)
    experiment = _experiment_of(access, pk)
    monday, target = experiment.timebox.week_start, f"#experiment-{pk}"
    return section_edit(
        request,
        access,
        instance=experiment,
        form_class=ExperimentForm,
        section=f"experiment-{pk}",
        title=f"Edit “{experiment.title}”",
        action=reverse("lifecycle:experiment_edit", args=[slug, pk]),
        place=_place(access.project, monday, target, f"?experiment={pk}"),
        on_saved=lambda stored: _changed(
            request, access, monday, "experiment", target, experiment_pk=pk
        ),
    )


@require_POST
@login_required
def experiment_move(request, slug, pk):
    """Move an experiment up or down the week's plan (its priority)."""
    access = get_project_for_editor(request.user, slug)
    experiment = _experiment_of(access, pk)
    try:
        experiment_log.experiment_move(
            experiment=experiment, direction=request.POST.get("direction", ""), by=request.user
        )
    except experiment_log.LogError as error:
        return HttpResponseBadRequest(str(error))
    monday = experiment.timebox.week_start
    target = f"#plan-{week_label(monday)}"
    return _changed(request, access, monday, "plan", target, anchor=f"experiment-{pk}")


@require_http_methods(["GET", "POST"])
@login_required
def reading_add(request: HtmxHttpRequest, slug, pk):
    """Record a metric reading measured by an experiment (readings are never edited)."""
    access = get_project_for_editor(request.user, slug)
    experiment = _experiment_of(access, pk)
    monday, target = experiment.timebox.week_start, f"#experiment-{pk}"
    form = _reading_form(experiment, list(access.project.criteria.all()), request.POST or None)
    if request.method == "POST" and form.is_valid():
        reading = experiment_log.ReadingInput(
            criterion=form.cleaned_data["criterion"].name, value=form.cleaned_data["value"]
        )
        try:
            experiment_log.experiment_readings_add(
                experiment=experiment, readings=[reading], by=request.user
            )
        except experiment_log.LogError as error:
            form.add_error(None, str(error))
        else:
            return _changed(request, access, monday, "experiment", target, experiment_pk=pk)
    if request.method == "POST" and request.htmx:
        # The inline form, with its message, inside the experiment it belongs to.
        return _part(
            request,
            access,
            monday,
            "experiment",
            target,
            status=422,
            experiment_pk=pk,
            reading_form=form,
        )
    return form_response(
        request,
        access,
        form,
        title=f"Add a reading to “{experiment.title}”",
        action=reverse("lifecycle:reading_add", args=[slug, pk]),
        section=f"reading-{pk}",
        place=_place(access.project, monday, target, f"?experiment={pk}"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def week_review_edit(request, slug, monday):
    """The week's review and likelihood of success, versioned like every other document."""
    access = get_project_for_editor(request.user, slug)
    project = access.project
    label = week_label(monday)
    timebox = project.timeboxes.filter(week_start=monday).first()
    if timebox is None:
        # A week nobody logged yet: saving creates it, and the whole week is redrawn.
        timebox = Timebox(project=project, week_start=monday)
        part, target, query = "week", f"#week-{label}", ""
    else:
        part, target, query = "review", f"#review-{label}", "?part=review"

    def save(fields, expected_version):
        return experiment_log.timebox_review_save(
            project=project,
            week_start=monday,
            fields=fields,
            expected_version=expected_version,
            by=request.user,
        )

    def saved(stored):
        return _changed(
            request, access, monday, part, target, oob=_estimate_refreshes(request, access, monday)
        )

    return section_edit(
        request,
        access,
        instance=timebox,
        form_class=TimeboxForm,
        section=f"review-{label}",
        title=f"Review of {label}",
        action=reverse("lifecycle:week_review_edit", args=[slug, monday]),
        place=_place(project, monday, target, query),
        save=save,
        on_saved=saved,
    )


def _estimate_refreshes(
    request: HtmxHttpRequest, access: ProjectAccess, monday: datetime.date
) -> str:
    """Out-of-band parts a new estimate changes elsewhere on the page.

    The page's headline shows the latest estimate, and the next newer estimate shows its change
    from this one (refreshed only if it is on the same page, or htmx would find no target).
    """
    if not request.htmx:
        return ""
    project = access.project
    context = {"project": project, "access": access, "oob": True}
    parts = [
        render_to_string(
            f"{TEMPLATE}#summary", {**context, "latest": latest_likelihood(project)}, request
        )
    ]
    newer = (
        project.timeboxes.filter(week_start__gt=monday, likelihood__isnull=False)
        .order_by("week_start")
        .first()
    )
    if newer and page_of(project, newer.week_start) == page_of(project, monday):
        week = _week(access, newer.week_start)
        parts.append(render_to_string(f"{TEMPLATE}#likelihood", {**context, "week": week}, request))
    return "".join(parts)
