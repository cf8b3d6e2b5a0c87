"""Derived data: what the board and the charts read instead of a project's whole log, kept
current by the writes that change it and never by a page view. `refresh` is the one way in.

- **ProjectSummary** (the board's view of a project: last log, likelihoods, stage dates, open
  high risks, open alerts) is recomputed inside the writing transaction, so the next page shows
  it and a rollback takes it back with the write. Five small queries.
- **ReadingHour** (hourly rollups of metric readings, for the charts of long series) is caught
  up once the transaction commits, by the task `lifecycle.tasks.catch_up_rollups`: in the
  background when there is a broker, in-process without one. A training script that stores
  readings waits for neither the summary nor the rollups. Until the task has run, a chart adds
  the few readings not rolled up yet itself, reading only (`rollups.pending`).

Every write service that changes a summarised fact calls `refresh(project)`; one that stores
metric readings calls `refresh(project, summary=False, rollups=True)`.
tests/lifecycle/test_derived.py runs every write service and fails when the stored summary then
differs from a fresh one, or when a new service is not in its table.
"""

from __future__ import annotations

from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from config.jobs import chore_send, chore_started

from ..models import Project, Reading, ReadingsSummarised
from .rollups import catch_up
from .summary import summaries_refresh


def refresh(*projects: Project | int, summary: bool = True, rollups: bool = False) -> None:
    """Bring the derived data of `projects` (instances or ids) up to date with this write."""
    ids = sorted({project.pk if isinstance(project, Project) else project for project in projects})
    if not ids:
        return
    if summary:
        summaries_refresh(project_ids=ids)
    if rollups:
        for project_id in ids:
            _catch_up_later(project_id)


def rollups_catch_up(project_id: int) -> None:
    """The chore queued by `refresh(..., rollups=True)`: roll the project's new readings up."""
    chore_started(rollups_chore(project_id))
    catch_up(project_id)


def refresh_all() -> int:
    """Every project's summary, and every project's rollups caught up now (after bulk loads such
    as the demo portfolio, or an upgrade). Returns the number of summaries."""
    count = summaries_refresh()
    mark = ReadingsSummarised.objects.filter(project_id=OuterRef("project_id"))
    behind = (
        Reading.objects.values("project_id")
        .annotate(newest=Max("id"))
        .filter(newest__gt=Coalesce(Subquery(mark.values("up_to_id")[:1]), 0))
        .values_list("project_id", flat=True)
    )
    for project_id in behind:
        catch_up(project_id)
    return count


def _catch_up_later(project_id: int) -> None:
    # Imported here: lifecycle.tasks imports the services at its top (its tasks call them).
    from ..tasks import catch_up_rollups

    chore_send(catch_up_rollups, project_id, key=rollups_chore(project_id))


def rollups_chore(project_id: int) -> str:
    return f"rollups:{project_id}"
