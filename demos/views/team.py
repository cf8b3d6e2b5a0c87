"""The team's demo pages: readers see them, editors change them.

Everything works by plain form post; with htmx each write answers with the part it changed and
the "demo-changed" event, which refreshes the other parts that depend on it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.requests import SignedInRequest
from config.jobs import QueueUnavailable
from lifecycle.access import get_project_for_editor, get_project_for_reader
from lifecycle.services.experiment_log import LogError

from .. import services
from ..access import DemoAccess, get_demo_for_editor, get_demo_for_reader
from ..forms import (
    AgreementReadingForm,
    DemoCreateForm,
    DemoEditForm,
    ShareLinkForm,
    UploadForm,
    add_row,
    preset_rows,
    remove_row,
    rows_of_scale,
    scale_rows_from_post,
)
from ..models import JobStatus, ScaleKind, ShareLink, Verdict
from ..pages import DEMO_CHANGED, DETAIL_TEMPLATE, changed, demo_url, int_or_none
from ..scales import ScaleError, validate_bands
from ..selectors.drift import PSI_MEANING, live_traffic
from ..selectors.examples import (
    cached_band_counts,
    dataset_bands,
    label_set,
    ready_datasets,
    recent_feedback,
    shown_by_default,
)
from ..services import live
from ..services.uploads import save_upload

PARTS = {"datasets", "uploads", "scale", "links", "agreement", "live"}
RECENT_JOBS = 5


# What the demo page shows ---------------------------------------------------------------------


def scale_preview(demo, kind: str, rows: list[dict], datasets) -> dict:
    """The editor's rows, checked, with how many examples of the latest dataset each band gets."""
    scored = [d for d in datasets if not d.is_multiclass]
    sample = shown_by_default(scored)
    preview = {"kind": kind, "rows": _numbered(rows), "error": "", "bars": [], "dataset": sample}
    try:
        bands = validate_bands(rows)
    except ScaleError as error:
        preview["error"] = str(error)
        return preview
    if sample is None:
        return preview
    counts = cached_band_counts(sample, bands)
    total = sum(counts) or 1
    preview["bars"] = [
        {"band": band, "count": count, "share": round(100 * count / total, 1)}
        for band, count in zip(bands, counts, strict=True)
    ]
    return preview


def _numbered(rows: list[dict]) -> list[dict]:
    return [
        {**row, "index": index, "is_last": index == len(rows) - 1} for index, row in enumerate(rows)
    ]


def demo_page_context(request, access: DemoAccess, **extra) -> dict:
    demo = access.demo
    datasets = ready_datasets(demo)
    latest = shown_by_default(datasets)  # what stakeholders see: never live traffic if avoidable
    context = {
        "demo": demo,
        "project": demo.project,
        "access": access,
        "datasets": datasets,
        "latest": latest,
        "labels": label_set(latest) if latest else None,
        "jobs": list(
            demo.upload_jobs.select_related("created_by", "dataset__live_of")[:RECENT_JOBS]
        ),
        "scales": list(demo.scales.select_related("created_by")),
        "agreement": services.agreement_by_band(latest, dataset_bands(latest)) if latest else [],
        "feedback": recent_feedback(demo),
        "kind_choices": ScaleKind.choices,
        # Live traffic and its drift, from the stored figures (no query)
        "live": live_traffic(datasets),
        "psi_meaning": PSI_MEANING,
    }
    if access.can_edit:
        links = list(
            demo.share_links.select_related("created_by").annotate(
                feedback_count=Count("feedback"),
                agree_count=Count("feedback", filter=Q(feedback__verdict=Verdict.AGREE)),
                disagree_count=Count("feedback", filter=Q(feedback__verdict=Verdict.DISAGREE)),
                unsure_count=Count("feedback", filter=Q(feedback__verdict=Verdict.UNSURE)),
            )
        )
        for link in links:
            link.absolute_url = request.build_absolute_uri(link.get_absolute_url())  # type: ignore[attr-defined]  # for the template
        context.update(
            edit_form=DemoEditForm.of(demo),
            links=links,
            link_form=ShareLinkForm(),
            upload_form=UploadForm(demo=demo),
            reading_form=(
                AgreementReadingForm(project=demo.project, bands=dataset_bands(latest))
                if latest
                else None
            ),
            has_criteria=demo.project.criteria.exists(),
        )
        if "preview" not in extra and demo.scale is not None:  # demo_create gives it one
            context["preview"] = scale_preview(
                demo, demo.scale.kind, rows_of_scale(demo.scale), datasets
            )
    context.update(extra)
    return context


# Pages ----------------------------------------------------------------------------------------


@require_GET
@login_required
def demo_list(request, slug):
    access = get_project_for_reader(request.user, slug)
    demos = access.project.demos.prefetch_related("datasets").select_related("created_by")
    context = {"project": access.project, "access": access, "demos": demos}
    if access.can_edit:
        context["form"] = DemoCreateForm()
    return TemplateResponse(request, "demos/demo_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def demo_new(request, slug):
    access = get_project_for_editor(request.user, slug)
    form = DemoCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        demo = services.demo_create(
            project=access.project,
            title=form.cleaned_data["title"],
            intro=form.cleaned_data["intro"],
            kind=form.cleaned_data["kind"],
            by=request.user,
        )
        messages.success(request, "Demo created. Upload the model's outputs to fill it.")
        return redirect(demo_url(demo))
    status = 422 if request.method == "POST" else 200
    context = {"project": access.project, "access": access, "form": form}
    return TemplateResponse(request, "demos/demo_new.html", context, status=status)


@require_POST
@login_required
def demo_edit(request, slug, demo_id):
    """Change the title and intro; a save against an older version is refused (409) with the
    user's text kept and the colleague's shown on the page."""
    access = get_demo_for_editor(request.user, demo_id, slug)
    form = DemoEditForm(request.POST)
    if not form.is_valid():
        context = demo_page_context(request, access, edit_form=form)
        return TemplateResponse(request, DETAIL_TEMPLATE, context, status=422)
    try:
        services.demo_edit(
            demo=access.demo,
            title=form.cleaned_data["title"],
            intro=form.cleaned_data["intro"],
            version=form.cleaned_data["version"],
            by=request.user,
        )
    except services.DemoConflict as conflict:
        access = get_demo_for_editor(request.user, demo_id, slug)  # the demo as it is now
        # The user's text stays; saving again (now against the current version) replaces theirs.
        data = request.POST.copy()
        data["version"] = conflict.current.version
        context = demo_page_context(
            request, access, edit_form=DemoEditForm(data), edit_conflict=conflict.current
        )
        return TemplateResponse(request, DETAIL_TEMPLATE, context, status=409)
    messages.success(request, "Title and introduction saved.")
    return redirect(demo_url(access.demo))


@require_GET
@login_required
def demo_detail(request, slug, demo_id):
    access = get_demo_for_reader(request.user, demo_id, slug)
    return TemplateResponse(request, DETAIL_TEMPLATE, demo_page_context(request, access))


@require_GET
@login_required
def demo_section(request: SignedInRequest, slug, demo_id, part):
    """One part of the demo page, for htmx refreshes (and as the page itself without it)."""
    access = get_demo_for_reader(request.user, demo_id, slug)
    if part not in PARTS:
        raise Http404("No such part.")
    if not request.htmx:
        return redirect(f"{demo_url(access.demo)}#{part}")
    context = demo_page_context(request, access)
    return TemplateResponse(request, f"{DETAIL_TEMPLATE}#{part}", context)


@require_GET
@login_required
def project_demos_card(request: SignedInRequest, slug):
    """The “Demos” card of the project one-pager, loaded lazily."""
    access = get_project_for_reader(request.user, slug)
    if not request.htmx:
        return redirect("demos:demo_list", slug=slug)
    demos = list(access.project.demos.all()[:4])
    for demo in demos:  # the card's template reads these four on each demo
        latest = shown_by_default(list(demo.datasets.filter(ready=True).select_related("scale")))
        demo.latest = latest  # type: ignore[attr-defined]
        if latest:
            rows = services.agreement_by_band(latest, dataset_bands(latest))
            demo.agreement = [row for row in rows if row["judged"]]  # type: ignore[attr-defined]
            judged = sum(row["judged"] for row in rows)
            demo.judged = judged  # type: ignore[attr-defined]
            overall = sum(row["agree"] for row in rows) / judged if judged else None
            demo.overall = overall  # type: ignore[attr-defined]
    context = {"project": access.project, "access": access, "demos": demos}
    return TemplateResponse(request, "demos/_project_card.html", context)


# Uploads --------------------------------------------------------------------------------------


@require_POST
@login_required
def dataset_upload(request: SignedInRequest, slug, demo_id):
    access = get_demo_for_editor(request.user, demo_id, slug)
    demo = access.demo
    form = UploadForm(request.POST, request.FILES, demo=demo)
    if not form.is_valid():
        return _upload_refused(request, access, form, status=422)
    data = form.cleaned_data
    try:
        job = save_upload(
            demo=demo,
            uploaded=data["file"],
            model_version=data["model_version"],
            columns=form.columns(),
            by=request.user,
            live_of=data["live_of"],
        )
    except QueueUnavailable as unavailable:  # nothing was stored: the form says why
        form.add_error(None, unavailable.message)
        return _upload_refused(request, access, form, status=503)
    if not request.htmx:
        return redirect(demo_url(demo, "upload_job", job_id=job.pk))
    job.refresh_from_db()  # tasks may have run already (in-process)
    context = demo_page_context(request, access, upload_form=UploadForm(demo=demo), new_job=job)
    response = TemplateResponse(request, f"{DETAIL_TEMPLATE}#uploads", context)
    return trigger_client_event(response, DEMO_CHANGED) if job.is_finished else response


def _upload_refused(request: SignedInRequest, access, form, *, status: int):
    part = f"{DETAIL_TEMPLATE}#uploads" if request.htmx else DETAIL_TEMPLATE
    context = demo_page_context(request, access, upload_form=form)
    return TemplateResponse(request, part, context, status=status)


@require_GET
@login_required
def upload_job(request: SignedInRequest, slug, demo_id, job_id):
    """A job's progress. htmx polls it every second; 286 tells htmx to stop once it is done."""
    access = get_demo_for_reader(request.user, demo_id, slug)
    job = get_object_or_404(access.demo.upload_jobs.select_related("dataset__live_of"), pk=job_id)
    context = {"demo": access.demo, "project": access.demo.project, "access": access, "job": job}
    if not request.htmx:
        return TemplateResponse(request, "demos/job.html", context)
    if not job.is_finished:
        return TemplateResponse(request, f"{DETAIL_TEMPLATE}#job", context)
    if job.status == JobStatus.SUCCEEDED and job.dataset is not None:
        label_set(job.dataset)  # count the labels now, not on the first stakeholder's visit
    response = TemplateResponse(request, f"{DETAIL_TEMPLATE}#job", context, status=286)
    return trigger_client_event(response, DEMO_CHANGED)


# The rating scale -----------------------------------------------------------------------------


def _edited_rows(request, demo) -> tuple[str, list[dict]]:
    kind, rows = scale_rows_from_post(request.POST)
    op = request.POST.get("op", "")
    if op == "preset" or not rows:
        rows = preset_rows(kind)
    elif op == "add":
        rows = add_row(rows)
    elif op.startswith("remove-"):
        rows = remove_row(rows, int_or_none(op.removeprefix("remove-")) or -1)
    return kind, rows


@require_http_methods(["GET", "POST"])
@login_required
def scale_edit(request: SignedInRequest, slug, demo_id):
    """Edit the scale: presets, add or remove bands, preview; saving records a new version."""
    access = get_demo_for_editor(request.user, demo_id, slug)
    demo = access.demo
    if request.method == "GET":
        return redirect(f"{demo_url(demo)}#scale")
    kind, rows = _edited_rows(request, demo)
    status = 200
    if request.POST.get("op") == "save":
        try:
            services.scale_change(demo=demo, kind=kind, bands=rows, by=request.user)
        except ScaleError:
            status = 422  # the preview says what is wrong
        else:
            if not request.htmx:
                messages.success(request, "New labels saved; stakeholders see them now.")
            access = get_demo_for_editor(request.user, demo_id, slug)
            return changed(request, demo, "scale", lambda: demo_page_context(request, access))
    datasets = ready_datasets(demo)
    preview = scale_preview(demo, kind, rows, datasets)
    context = demo_page_context(request, access, preview=preview)
    template = f"{DETAIL_TEMPLATE}#scale" if request.htmx else DETAIL_TEMPLATE
    return TemplateResponse(request, template, context, status=status)


@require_POST
@login_required
def scale_preview_part(request, slug, demo_id):
    """The live preview: how many examples each band would get, as thresholds are typed."""
    access = get_demo_for_editor(request.user, demo_id, slug)
    kind, rows = scale_rows_from_post(request.POST)
    preview = scale_preview(access.demo, kind, rows, ready_datasets(access.demo))
    context = {"demo": access.demo, "access": access, "preview": preview}
    return TemplateResponse(request, f"{DETAIL_TEMPLATE}#preview", context)


# Agreement ------------------------------------------------------------------------------------


@require_POST
@login_required
def agreement_record(request: SignedInRequest, slug, demo_id):
    """Record the stakeholders' agreement rate (in %) as a reading of a success criterion."""
    access = get_demo_for_editor(request.user, demo_id, slug)
    demo = access.demo
    dataset = get_object_or_404(
        demo.datasets.filter(ready=True).select_related("scale"), pk=request.POST.get("dataset")
    )
    bands = dataset_bands(dataset)
    form = AgreementReadingForm(request.POST, project=demo.project, bands=bands)
    error = ""
    if form.is_valid():
        band = form.cleaned_data["band"]
        criterion = form.cleaned_data["criterion"]
        try:
            value = services.agreement_record(
                dataset=dataset,
                bands=bands,
                band=int(band) if band else None,
                criterion=criterion,
                by=request.user,
            )
        except (services.NothingJudged, LogError) as problem:
            error = str(problem)
        else:
            notice = f"Recorded {value:g} % as a reading of “{criterion.name}”."
            if not request.htmx:
                messages.success(request, notice)
            return changed(
                request,
                demo,
                "agreement",
                lambda: demo_page_context(request, access, agreement_notice=notice),
            )
    else:
        error = "Choose one of the project's success criteria."
    template = f"{DETAIL_TEMPLATE}#agreement" if request.htmx else DETAIL_TEMPLATE
    context = demo_page_context(request, access, agreement_error=error)
    return TemplateResponse(request, template, context, status=422)


# Share links ----------------------------------------------------------------------------------


@require_POST
@login_required
def share_link_new(request: SignedInRequest, slug, demo_id):
    access = get_demo_for_editor(request.user, demo_id, slug)
    demo = access.demo
    form = ShareLinkForm(request.POST)
    if form.is_valid():
        link = services.share_link_create(
            demo=demo,
            viewer_name=form.cleaned_data["viewer_name"],
            days=form.cleaned_data["days"],
            by=request.user,
        )
        if not request.htmx:
            messages.success(request, "Link created: copy it from the list below.")
        return changed(
            request, demo, "links", lambda: demo_page_context(request, access, new_link=link.pk)
        )
    template = f"{DETAIL_TEMPLATE}#links" if request.htmx else DETAIL_TEMPLATE
    context = demo_page_context(request, access, link_form=form)
    return TemplateResponse(request, template, context, status=422)


@require_POST
@login_required
def share_link_revoke(request: SignedInRequest, slug, demo_id, link_id):
    access = get_demo_for_editor(request.user, demo_id, slug)
    link = get_object_or_404(ShareLink.objects.filter(demo=access.demo), pk=link_id)
    services.share_link_revoke(link=link)
    if not request.htmx:
        messages.success(request, "Link revoked: it no longer opens the demo.")
    return changed(request, access.demo, "links", lambda: demo_page_context(request, access))


# Live traffic (drift) -------------------------------------------------------------------------


@require_POST
@login_required
def dataset_live(request: SignedInRequest, slug, demo_id):
    """Mark a dataset as live traffic served by another version (`reference`), or unmark it
    (no `reference`). A bad choice is refused (422) with what to choose instead."""
    access = get_demo_for_editor(request.user, demo_id, slug)
    demo = access.demo
    dataset = get_object_or_404(demo.datasets, pk=int_or_none(request.POST.get("dataset")))
    reference_id = int_or_none(request.POST.get("reference"))
    try:
        if reference_id is None:
            live.dataset_unmark_live(dataset=dataset)
            notice = f"“{dataset.model_version}” is no longer marked as live traffic."
        else:
            reference = demo.datasets.filter(pk=reference_id).first()
            if reference is None:
                raise live.LiveError("Choose one of this demo's model versions as the one served.")
            dataset = live.dataset_mark_live(dataset=dataset, reference=reference)
            notice = (
                f"“{dataset.model_version}” is live traffic served by {reference.model_version}."
            )
    except live.LiveError as error:
        template = f"{DETAIL_TEMPLATE}#live" if request.htmx else DETAIL_TEMPLATE
        context = demo_page_context(request, access, live_error=str(error))
        return TemplateResponse(request, template, context, status=422)
    if not request.htmx:
        messages.success(request, notice)
    return changed(request, demo, "live", lambda: demo_page_context(request, access))
