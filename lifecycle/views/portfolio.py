"""The portfolio board (columns by stage or a table), its CSV export, the outcomes page, and the
owner's blocker form. The board only reads: every change happens on the project's own pages.
"""

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import push_url

from accounts.models import Team
from accounts.requests import SignedInRequest
from plumbing.spreadsheet import csv_writer

from .. import health as health_rules
from .. import services
from ..access import get_project_for_owner, readable_projects
from ..forms import BlockerForm, PortfolioFilterForm
from ..models import Project, ProjectStatus
from ..selectors import outcomes as outcome_reads
from ..selectors import portfolio

FILTER_NAMES = ("q", "team", "owner", "stage", "health", "status", "alerts")


def _filter_form(request) -> PortfolioFilterForm:
    visible = readable_projects(request.user)
    teams = Team.objects.filter(projects__in=visible).distinct().order_by("name")
    owners = (
        get_user_model()
        .objects.filter(owned_projects__in=visible)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    form = PortfolioFilterForm(
        request.GET,
        teams=[(team.slug, team.name) for team in teams],
        owners=[(user.username, user.display_name) for user in owners],
        health_choices=health_rules.CHOICES,
        status_choices=ProjectStatus.choices,
    )
    form.is_valid()  # invalid fields are left out of cleaned_data and reported on the page
    return form


def _filters(form: PortfolioFilterForm) -> portfolio.Filters:
    data = form.cleaned_data
    return portfolio.Filters(**{name: (data.get(name) or "").strip() for name in FILTER_NAMES})


def _query(form: PortfolioFilterForm, **changes) -> str:
    """The board's query string with `changes`; empty values are left out to keep URLs short."""
    data = form.cleaned_data
    params = {name: data.get(name) or "" for name in (*FILTER_NAMES, "view", "sort")}
    params.update(changes)
    defaults = {"view": "columns", "sort": "name"}
    return urlencode(
        {key: value for key, value in params.items() if value and value != defaults.get(key)}
    )


def _sort_links(form, sort: str) -> list[dict]:
    links = []
    for key, label in portfolio.SORT_LABELS.items():
        active = sort.lstrip("-") == key
        descending = sort.startswith("-")
        next_sort = f"-{key}" if active and not descending else key
        links.append(
            {
                "key": key,
                "label": label,
                "query": _query(form, sort=next_sort, view="table", page=""),
                "direction": ("descending" if descending else "ascending") if active else "",
            }
        )
    return links


@require_GET
@login_required
def board(request: SignedInRequest):
    form = _filter_form(request)
    view = form.cleaned_data.get("view") or "columns"
    sort = form.cleaned_data.get("sort") or "name"
    if sort.lstrip("-") not in portfolio.SORTS:
        form.add_error("sort", "Sort by one of the table's columns.")
        sort = "name"
    today = timezone.localdate()
    projects = portfolio.board_projects(request.user, _filters(form), today)
    by_column, by_health = portfolio.counts(projects)
    total = sum(by_column.values())
    context = {
        "form": form,
        "view": view,
        "sort": sort,
        "total": total,
        "health_counts": portfolio.health_counts(by_health),
        "csv_query": _query(form, view="", page=""),
        "is_manager": request.user.is_portfolio_manager,
        # An empty board says why: the filters, or no project to see at all.
        "filtered": bool(_query(form, view="", sort="", page="")),
    }
    if view == "table":
        paginator = Paginator(
            portfolio.sort_projects(projects, sort, today), portfolio.ROWS_PER_PAGE
        )
        paginator.count = total  # known already: saves a COUNT query
        page = paginator.get_page(form.cleaned_data.get("page"))
        # The page's rows (a slice of the queryset sorted above) are shown as cards.
        cards = portfolio.to_cards(cast(QuerySet, page.object_list), today)
        portfolio.attach_progress(cards)
        page.object_list = cards
        context.update(page=page, sort_links=_sort_links(form, sort), page_query=_query(form))
    else:
        context["columns"] = _columns(form, projects, by_column, today, offset=0)
    if request.htmx and not request.htmx.history_restore_request:
        response = TemplateResponse(request, "lifecycle/portfolio/board.html#results", context)
        # The address bar gets the short form of the filter (no empty fields), to share.
        query = _query(form, sort=sort)
        return push_url(response, f"{request.path}?{query}" if query else request.path)
    return TemplateResponse(request, "lifecycle/portfolio/board.html", context)


def _columns(form, projects, by_column, today, offset: int, only: str = "") -> list[dict]:
    """Each column's cards from `offset` (CARDS_PER_COLUMN of them), its total and the query of
    its next slice; the progress of all shown cards is read in one query."""
    limit = portfolio.CARDS_PER_COLUMN
    cards, shown = portfolio.column_cards(projects, offset, limit, today, only=only)
    portfolio.attach_progress(shown)
    columns = []
    for key, label in portfolio.COLUMNS:
        if only and key != only:
            continue
        end = offset + len(cards[key])
        columns.append(
            {
                "key": key,
                "label": label,
                "count": by_column[key],
                "cards": cards[key],
                "more": by_column[key] - end,
                "more_query": _query(form, offset=end) if end < by_column[key] else "",
            }
        )
    return columns


@require_GET
@login_required
def board_column(request: SignedInRequest, column):
    """The next cards of one column ("Show more"): a fragment for htmx; without JavaScript the
    link falls back to the table of that column's projects."""
    if column not in portfolio.COLUMN_LABELS:
        raise Http404("No such column.")
    form = _filter_form(request)
    try:
        offset = max(0, int(request.GET.get("offset", "0")))
    except ValueError:
        offset = 0
    if not request.htmx:
        return redirect(f"{_board_url()}?{_table_of_column(form, column)}")
    today = timezone.localdate()
    projects = portfolio.board_projects(request.user, _filters(form), today)
    total = projects.filter(column_key=column).count()
    (col,) = _columns(form, projects, {column: total}, today, offset=offset, only=column)
    return TemplateResponse(
        request, "lifecycle/portfolio/board.html#column-cards", {"column": col, "form": form}
    )


def _board_url() -> str:
    return reverse("lifecycle:portfolio")


def _table_of_column(form, column: str) -> str:
    if column in (portfolio.SHIPPED, portfolio.STOPPED):
        return _query(form, view="table", status=column, stage="")
    return _query(form, view="table", stage=column, status=ProjectStatus.ACTIVE)


CSV_HEADER = [
    "Project",
    "Team",
    "Owner",
    "Status",
    "Stage",
    "Days in stage",
    "Planned days",
    "Health",
    "Why",
    "Last log",
    "Likelihood %",
    "Primary criterion",
    "Latest",
    "Target",
    "Progress %",
    "Open high risks",
    "Blocker",
    "Stop reason",
    "URL",
]


# Compressed: 2,000 rows are ~500 KB of text, ~60 KB gzipped. (No CSRF token or other secret in a
# CSV, so compression cannot leak one, unlike HTML pages.)
@require_GET
@login_required
@gzip_page
def board_csv(request):
    form = _filter_form(request)
    sort = form.cleaned_data.get("sort") or "name"
    if sort.lstrip("-") not in portfolio.SORTS:
        sort = "name"
    today = timezone.localdate()
    projects = portfolio.board_projects(request.user, _filters(form), today)
    cards = portfolio.to_cards(portfolio.sort_projects(projects, sort, today), today)
    portfolio.attach_progress(cards)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="portfolio-{stamp}.csv"'
    writer = csv_writer(response)
    writer.writerow(CSV_HEADER)
    base = request.build_absolute_uri("/")[:-1]
    for card in cards:
        progress = card.progress
        row = [
            card.name,
            card.team,
            card.owner,
            card.status_label,
            card.stage_label,
            card.days_in_stage if card.status == ProjectStatus.ACTIVE else "",
            card.planned_days if card.status == ProjectStatus.ACTIVE else "",
            card.health.label if card.health else "",
            card.health.explanation if card.health else "",
            card.last_log.isoformat() if card.last_log else "",
            card.likelihood if card.likelihood is not None else "",
            progress.name if progress else "",
            progress.latest if progress and progress.latest is not None else "",
            progress.target if progress else "",
            progress.percent if progress and progress.percent is not None else "",
            card.summary.open_high_risks,
            card.blocker,
            card.stop_reason_label,
            f"{base}/projects/{card.slug}/",
        ]
        writer.writerow(row)
    return response


@require_GET
@login_required
def outcomes(request):
    projects = readable_projects(request.user)
    context = outcome_reads.outcomes(projects)
    return TemplateResponse(request, "lifecycle/portfolio/outcomes.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def project_blocker(request, slug):
    """Only the project's owner sets or clears its blocker; it is logged as a decision."""
    access = get_project_for_owner(request.user, slug)
    project = access.project
    status = 200
    if request.method == "POST":
        form = BlockerForm(request.POST)
        if form.is_valid():
            try:
                services.project_set_blocker(
                    project=project,
                    text="" if request.POST.get("clear") else form.cleaned_data["blocker"],
                    expected=form.cleaned_data["expected"],
                    by=request.user,
                )
            except services.EditConflict as conflict:
                assert isinstance(conflict.current, Project)  # the blocker's conflict carries it
                now = conflict.current.blocker or "no blocker"
                form = BlockerForm(
                    {"blocker": form.cleaned_data["blocker"], "expected": conflict.current.blocker}
                )
                form.is_valid()
                form.add_error(
                    None,
                    f"Someone changed the blocker while you were writing; it is now: {now}. "
                    "Your text is kept below: save again to replace it.",
                )
                status = 409
            except services.DecisionError as error:
                form.add_error(None, str(error))
                status = 422
            else:
                cleared = request.POST.get("clear") or not form.cleaned_data["blocker"].strip()
                messages.success(
                    request,
                    "Blocker cleared." if cleared else "Blocker set: it shows on the board.",
                )
                return redirect(project)
        else:
            status = 422
    else:
        form = BlockerForm(initial={"blocker": project.blocker, "expected": project.blocker})
    return TemplateResponse(
        request,
        "lifecycle/portfolio/blocker.html",
        {"project": project, "access": access, "form": form},
        status=status,
    )
