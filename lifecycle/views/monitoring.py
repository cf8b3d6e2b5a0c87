"""The monitoring page of a project: its plan, watched series and alerts.

Readers see it; editors change the plan and the series and acknowledge or resolve alerts.
Forms are plain posts answered with a redirect (422 with the messages when something is wrong).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import get_project_for_editor, get_project_for_reader
from ..forms import AlertNoteForm, MonitoringPlanForm, WatchedSeriesForm
from ..models import Alert, MonitoringPlan, WatchedSeries
from ..selectors.monitoring import monitoring_page
from ..services import EditConflict
from ..services import monitoring as service


def _page_url(project) -> str:
    return reverse("lifecycle:monitoring", args=[project.slug])


@require_GET
@login_required
def monitoring(request, slug):
    access = get_project_for_reader(request.user, slug)
    page = monitoring_page(access.project)
    return TemplateResponse(
        request,
        "lifecycle/monitoring.html",
        {
            "project": access.project,
            "access": access,
            "page": page,
            "every_minutes": settings.MONITORING_EVERY_MINUTES,
        },
    )


def _form_page(request, access, form, *, title, action, conflict_by=None, status=None):
    if status is None:
        status = 422 if request.method == "POST" else 200
    return TemplateResponse(
        request,
        "lifecycle/monitoring_form.html",
        {
            "project": access.project,
            "access": access,
            "form": form,
            "title": title,
            "action": action,
            "conflict_by": conflict_by,
            "back_url": _page_url(access.project),
        },
        status=status,
    )


def _conflict(request, access, form, error, form_class, *, title, action, **form_kwargs):
    """Someone saved in between: keep the user's values, on the current version, and say so."""
    current = error.current
    if current is None:
        messages.error(request, "Someone deleted this while you were editing; nothing was saved.")
        return redirect(_page_url(access.project))
    data = form.data.copy()
    data["version"] = current.version
    fresh = form_class(data, instance=current, **form_kwargs)
    fresh.is_valid()
    last = current.history.order_by("-history_id").first()
    by = last.history_user.display_name if last and last.history_user else "Someone"
    return _form_page(
        request, access, fresh, title=title, action=action, conflict_by=by, status=409
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request, slug):
    access = get_project_for_editor(request.user, slug)
    plan = MonitoringPlan.objects.filter(project=access.project).first()
    plan = plan or MonitoringPlan(project=access.project)
    shown = {"title": "Edit the monitoring plan", "action": request.path}
    form = MonitoringPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            service.monitoring_plan_save(
                project=access.project,
                fields=form.changed_fields(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except EditConflict as error:
            return _conflict(request, access, form, error, MonitoringPlanForm, **shown)
        messages.success(request, "Monitoring plan saved.")
        return redirect(_page_url(access.project))
    return _form_page(request, access, form, **shown)


@require_http_methods(["GET", "POST"])
@login_required
def watch_new(request, slug):
    access = get_project_for_editor(request.user, slug)
    project = access.project
    initial = {}
    if request.method == "GET" and request.GET.get("criterion", "").isdigit():
        initial["criterion"] = int(request.GET["criterion"])
    form = WatchedSeriesForm(request.POST or None, project=project, initial=initial)
    shown = {"title": "Watch a success criterion in production", "action": request.path}
    if request.method == "POST" and form.is_valid():
        try:
            service.watched_series_add(
                project=project, fields=form.changed_fields(), by=request.user
            )
        except service.MonitoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Watching “{form.cleaned_data['criterion'].name}”.")
            return redirect(_page_url(project))
    return _form_page(request, access, form, **shown)


@require_http_methods(["GET", "POST"])
@login_required
def watch_edit(request, slug, pk):
    access = get_project_for_editor(request.user, slug)
    project = access.project
    series = get_object_or_404(
        WatchedSeries.objects.select_related("criterion"), project=project, pk=pk
    )
    shown = {"title": f"Edit how “{series.criterion.name}” is watched", "action": request.path}
    form = WatchedSeriesForm(request.POST or None, instance=series, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            service.watched_series_save(
                series=series,
                fields=form.changed_fields(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except EditConflict as error:
            return _conflict(
                request, access, form, error, WatchedSeriesForm, project=project, **shown
            )
        except service.MonitoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Saved. The next check uses the new settings.")
            return redirect(_page_url(project))
    return _form_page(request, access, form, **shown)


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_POST
@login_required
def watch_delete(request, slug, pk):
    access = get_project_for_editor(request.user, slug)
    series = get_object_or_404(
        WatchedSeries.objects.select_related("criterion"), project=access.project, pk=pk
    )
    try:
        service.watched_series_delete(
            series=series, expected_version=_version(request), by=request.user
        )
    except EditConflict:
        messages.error(
            request,
            f"“{series.criterion.name}” was changed by someone since you loaded the page, so it "
            "is still watched. Check the new settings and remove it again if you still mean to.",
        )
    except service.MonitoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Stopped watching “{series.criterion.name}”.")
    return redirect(_page_url(access.project))


def _alert_action(request, slug, pk, act, done: str):
    access = get_project_for_editor(request.user, slug)
    alert = get_object_or_404(Alert, project=access.project, pk=pk)
    form = AlertNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["note"][0]))
        return redirect(f"{_page_url(access.project)}#alert-{alert.pk}")
    try:
        act(alert=alert, by=request.user, note=form.cleaned_data["note"])
    except service.MonitoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(f"{_page_url(access.project)}#alert-{alert.pk}")


@require_POST
@login_required
def alert_acknowledge(request, slug, pk):
    return _alert_action(
        request, slug, pk, service.alert_acknowledge, "Acknowledged: the team sees you are on it."
    )


@require_POST
@login_required
def alert_resolve(request, slug, pk):
    return _alert_action(
        request,
        slug,
        pk,
        service.alert_resolve,
        "Resolved. If the condition is still there, the next check opens a new alert.",
    )
