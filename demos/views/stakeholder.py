"""The stakeholder view: examples as cards, the label first, never a score or a probability.

The same page serves a share link (`/d/<token>/`, no account, nothing else of the app reachable)
and signed-in readers of the project. Feedback is given per example, in place with htmx.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from plumbing.htmx import HtmxHttpRequest

from .. import services
from ..access import LinkUnusable, get_demo_for_reader, get_share_link
from ..forms import FeedbackForm
from ..models import Demo, Example, Feedback
from ..pages import int_or_none
from ..selectors.examples import (
    PER_PAGE,
    ExamplePage,
    Shown,
    demo_kind_words,
    examples_page,
    judgements,
    label_set,
    ready_datasets,
    shown_by_default,
    shown_fields,
)

TEMPLATE = "demos/stakeholder.html"
# Display columns may hold image URLs on other sites; only images, nothing else, may load.
IMAGES_FROM_ANYWHERE = csp_update({"img-src": ["https:", "http:"]})


@dataclass
class Card:
    example: Example
    label: str
    colour: str
    description: str
    confidence: str  # multi-class: how sure the model is, in words
    confidence_colour: str
    shown: Shown
    feedback: Feedback | None
    feedback_url: str


def _query(params: dict) -> str:
    kept = {key: value for key, value in params.items() if value not in (None, "")}
    return "?" + urlencode(kept) if kept else "?"


@dataclass
class Position:
    """Where a page of examples is, for people: page 3 of 12, examples 13 to 18 of 70."""

    number: int
    pages: int | None  # unknown while searching (matches are not counted)
    first: int
    last: int
    total: int | None


def _position(request, page: ExamplePage, *, total: int | None) -> Position:
    """The page number rides along in the address (`p`) for showing only: the examples of a
    page are chosen by the keyset cursor, so a wrong number can only mislabel the page."""
    number = int_or_none(request.GET.get("p")) or 1
    if not page.has_previous:
        number = 1
    pages = max(1, -(-total // PER_PAGE)) if total is not None else None
    number = max(1, min(number, pages or number))
    first = (number - 1) * PER_PAGE + 1
    return Position(number, pages, first, first + len(page.examples) - 1, total)


def stakeholder_context(request, demo: Demo, *, link=None, page_path: str, feedback_url) -> dict:
    """Everything the stakeholder page shows, in a fixed number of queries however many rows."""
    datasets = ready_datasets(demo)
    wanted = int_or_none(request.GET.get("v"))
    # By default the newest model version; live traffic is only shown when asked for (?v=).
    default = shown_by_default(datasets)
    dataset = next((d for d in datasets if d.pk == wanted), default)
    context = {
        "demo": demo,
        "link": link,
        "datasets": datasets,
        "dataset": dataset,
        "page_path": page_path,
        "base_template": "demos/public_base.html" if link else "base.html",
    }
    if dataset is None:
        return context
    labels = label_set(dataset)
    chosen = labels.get(request.GET.get("label"))
    search = request.GET.get("q", "").strip()[:100]
    version = dataset.pk if len(datasets) > 1 and dataset != default else None
    page: ExamplePage = examples_page(
        dataset,
        condition=labels.condition(chosen.key) if chosen else None,
        search=search,
        after=int_or_none(request.GET.get("after")),
        before=int_or_none(request.GET.get("before")),
    )
    user = None if link else request.user
    marks = judgements(page.examples, link=link, user=user)
    state = {"v": version, "label": chosen.key if chosen else None, "q": search}
    total = None if search else chosen.count if chosen else labels.total
    position = _position(request, page, total=total)
    here = dict(state)
    for key in ("after", "before"):
        if request.GET.get(key):
            here[key] = request.GET[key]
    if position.number > 1:
        here["p"] = position.number
    cards = []
    for example in page.examples:
        band = labels.band_of(example.score)
        if labels.kind == "classes":
            label, colour, description = example.top_class, "#2856c7", ""
            confidence, confidence_colour = band.label, band.colour
        else:
            label, colour, description = band.label, band.colour, band.description
            confidence, confidence_colour = "", ""
        cards.append(
            Card(
                example,
                label,
                colour,
                description,
                confidence,
                confidence_colour,
                shown_fields(example.fields, dataset.display_columns),
                marks.get(example.pk),
                feedback_url(example),
            )
        )
    context.update(
        labels=labels,
        chosen=chosen,
        search=search,
        page=page,
        cards=cards,
        kind_words=demo_kind_words(labels.kind),
        state=state,
        here=page_path + _query(here),
        all_url=page_path + _query({**state, "label": None}),
        label_links=[
            (label, page_path + _query({**state, "label": label.key})) for label in labels.labels
        ],
        version_links=[(d, page_path + _query({"v": d.pk})) for d in datasets],
        position=position,
        next_url=(
            page_path + _query({**state, "after": page.last_id, "p": position.number + 1})
            if page.has_next
            else ""
        ),
        previous_url=(
            page_path + _query({**state, "before": page.first_id, "p": max(position.number - 1, 1)})
            if page.has_previous
            else ""
        ),
        first_url=page_path + _query(state) if page.has_previous else "",
    )
    return context


def _respond(request: HtmxHttpRequest, context, *, link=None) -> HttpResponse:
    if request.htmx and request.htmx.target == "results":
        response = TemplateResponse(request, f"{TEMPLATE}#results", context)
    else:
        response = TemplateResponse(request, TEMPLATE, context)
    if link is not None:
        response["Cache-Control"] = "private, no-store"
    return response


# Signed-in readers ----------------------------------------------------------------------------


@IMAGES_FROM_ANYWHERE  # type: ignore[arg-type]  # django-csp types views as (request) only
@require_GET
@login_required
def demo_view(request, slug, demo_id):
    access = get_demo_for_reader(request.user, demo_id, slug)
    demo = access.demo
    page_path = reverse("demos:demo_view", args=[slug, demo.pk])

    def feedback_url(example):
        return reverse("demos:example_feedback", args=[slug, demo.pk, example.pk])

    context = stakeholder_context(request, demo, page_path=page_path, feedback_url=feedback_url)
    context.update(access=access, project=demo.project)
    return _respond(request, context)


@require_POST
@login_required
def example_feedback(request, slug, demo_id, example_id):
    """A signed-in reader's judgement of an example (anyone who may read the project)."""
    access = get_demo_for_reader(request.user, demo_id, slug)
    example = _example_of(access.demo, example_id)
    url = reverse("demos:example_feedback", args=[slug, access.demo.pk, example.pk])
    page_path = reverse("demos:demo_view", args=[slug, access.demo.pk])
    return _judge(request, example, url, page_path, user=request.user)


# Share links ----------------------------------------------------------------------------------


def share_link_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every answer at a share link's address stays out of search engines, and the address
    (whose token opens the demo) is never sent on as a Referer from it: the page has links and
    images to other sites. public_base.html says the same in its meta tags."""

    @wraps(view)
    def wrapper(request, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


def _unusable(request, error: LinkUnusable) -> HttpResponse:
    status = 404 if error.reason == "unknown" else 410
    return TemplateResponse(
        request,
        "demos/link_unusable.html",
        {"reason": error.reason, "link": error.link, "base_template": "demos/public_base.html"},
        status=status,
    )


@IMAGES_FROM_ANYWHERE
@share_link_page
@require_GET
def shared_demo(request: HtmxHttpRequest, token):
    try:
        link = get_share_link(token)
    except LinkUnusable as error:
        return _unusable(request, error)
    page_path = reverse("demos:shared_demo", args=[token])
    if not request.htmx:
        services.share_link_count_view(link=link)  # a visit, not each filter or page turn

    def feedback_url(example):
        return reverse("demos:shared_feedback", args=[token, example.pk])

    context = stakeholder_context(
        request, link.demo, link=link, page_path=page_path, feedback_url=feedback_url
    )
    return _respond(request, context, link=link)


@share_link_page
@require_POST
def shared_feedback(request, token, example_id):
    try:
        link = get_share_link(token)
    except LinkUnusable as error:
        return _unusable(request, error)
    # The link opens its own demo only: an example of another demo is not found.
    example = _example_of(link.demo, example_id)
    url = reverse("demos:shared_feedback", args=[token, example.pk])
    page_path = reverse("demos:shared_demo", args=[token])
    return _judge(request, example, url, page_path, link=link)


# Feedback -------------------------------------------------------------------------------------


def _example_of(demo: Demo, example_id: int) -> Example:
    examples = Example.objects.filter(dataset__demo=demo, dataset__ready=True)
    return get_object_or_404(examples.select_related("dataset"), pk=example_id)


def _judge(
    request: HtmxHttpRequest, example, url, page_path, *, link=None, user=None
) -> HttpResponse:
    form = FeedbackForm(request.POST)
    next_url = request.POST.get("next", "")
    if not (
        next_url.startswith(page_path)
        and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    ):
        next_url = page_path
    status = 200
    if form.is_valid():
        feedback: Feedback | None = services.feedback_record(
            example=example,
            verdict=form.cleaned_data["verdict"],
            comment=form.cleaned_data["comment"],
            link=link,
            user=user,
        )
        if not request.htmx:
            return redirect(f"{next_url}#example-{example.pk}")
    else:
        status = 422
        feedback = _current(example, link=link, user=user)
    card = {"example": example, "feedback": feedback, "feedback_url": url}
    # What to change, from the form: the verdict to choose, or the comment to fix.
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    context = {"card": card, "here": next_url, "form_errors": errors}
    return TemplateResponse(request, f"{TEMPLATE}#verdict", context, status=status)


def _current(example, *, link=None, user=None) -> Feedback | None:
    feedback = Feedback.objects.filter(example=example)
    if user is not None:
        return feedback.filter(user=user).first()
    return feedback.filter(Q(link=link) & Q(user__isnull=True)).first()
