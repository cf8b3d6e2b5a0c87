"""Writes to demos: creating them and changing their rating scale."""

import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import NotificationKind, User
from accounts.services.notifications import notifications_email, notify_gathered
from lifecycle.access import project_editors
from lifecycle.models import Project, SuccessCriterion
from lifecycle.services.experiment_log import ReadingInput, readings_add

from ..models import (
    Dataset,
    Demo,
    Example,
    Feedback,
    RatingScale,
    ScaleKind,
    ShareLink,
    Verdict,
)
from ..scales import PRESETS, Band, band_expression, bands_to_json, validate_bands


@transaction.atomic
def demo_create(
    *,
    project: Project,
    title: str,
    intro: str = "",
    kind: str = ScaleKind.BANDS,
    by: User,
    at: datetime.datetime | None = None,
) -> Demo:
    """A demo with the preset scale of `kind` as its first scale version, both made `at`
    (default now)."""
    at = at or timezone.now()
    demo = Demo.objects.create(
        project=project, title=title, intro=intro, created_by=by, created_at=at
    )
    demo.scale = RatingScale.objects.create(
        demo=demo,
        version=1,
        kind=kind,
        bands=bands_to_json(PRESETS[kind]),
        created_by=by,
        created_at=at,
    )
    demo.save(update_fields=["scale"])
    return demo


class DemoConflict(Exception):
    """Someone saved the demo's title or intro since the editor read them."""

    def __init__(self, current: Demo):
        super().__init__("The demo was changed meanwhile.")
        self.current = current


def demo_edit(*, demo: Demo, title: str, intro: str, version: int, by: User) -> Demo:
    """Save a new title and intro if nobody saved them since `version` was read (compare and
    set); otherwise raise DemoConflict with the demo as it is now, and change nothing."""
    changed = Demo.objects.filter(pk=demo.pk, version=version).update(
        title=title, intro=intro, version=F("version") + 1, edited_at=timezone.now(), edited_by=by
    )
    current = Demo.objects.select_related("edited_by").get(pk=demo.pk)
    if not changed:
        raise DemoConflict(current)
    return current


@transaction.atomic
def scale_change(*, demo: Demo, kind: str, bands: list[dict], by: User) -> RatingScale:
    """Record a new scale version; the demo's single-score datasets are shown with it at once.

    Labels follow from scores at read time, so nothing is rewritten; each dataset records the
    scale it is shown with. Multi-class datasets keep their confidence words.
    """
    if kind not in ScaleKind.values:
        raise ValueError(f"Unknown scale kind {kind!r}.")
    checked = validate_bands(bands)
    demo = Demo.objects.select_for_update().get(pk=demo.pk)
    version = (demo.scales.aggregate(last=Max("version"))["last"] or 0) + 1
    scale = RatingScale.objects.create(
        demo=demo, version=version, kind=kind, bands=bands_to_json(checked), created_by=by
    )
    demo.scale = scale
    demo.save(update_fields=["scale"])
    Dataset.objects.filter(demo=demo, classes=[]).update(scale=scale)
    return scale


def share_link_create(*, demo: Demo, viewer_name: str = "", days: int = 14, by: User) -> ShareLink:
    if not 1 <= days <= 365:
        raise ValueError("A link lasts from 1 to 365 days.")
    return ShareLink.objects.create(
        demo=demo,
        viewer_name=viewer_name.strip(),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        created_by=by,
    )


def share_link_revoke(*, link: ShareLink) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def share_link_count_view(*, link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )


def feedback_record(
    *,
    example: Example,
    verdict: str,
    comment: str = "",
    link: ShareLink | None = None,
    user: User | None = None,
    tell: bool = True,
) -> Feedback:
    """A stakeholder's judgement; giving one again for the same example replaces it. A new
    judgement tells the project's editors (`tell=False`: not, e.g. for seeded data)."""
    if verdict not in Verdict.values:
        raise ValueError("Choose agree, disagree or not sure.")
    if user is not None and not user.is_authenticated:
        user = None
    if user is None and link is None:
        raise ValueError("Feedback comes from a signed-in person or through a share link.")
    key: dict[str, Any] = (
        {"example": example, "user": user} if user else {"example": example, "link": link}
    )
    if user is None:
        key["user__isnull"] = True
    feedback, created = Feedback.objects.update_or_create(
        **key,
        defaults={
            "verdict": verdict,
            "comment": comment.strip()[:2000],
            "dataset_id": example.dataset_id,
            "link": link,
        },
    )
    if created and tell:
        feedback_tell(feedback=feedback, link=link, user=user)
    return feedback


def feedback_tell(
    *, feedback: Feedback, link: ShareLink | None = None, user: User | None = None
) -> None:
    """The project's editors hear of new stakeholder feedback: one in-app notification per demo
    gathers it while unread, and an email goes out when that notification is new."""
    demo = Demo.objects.select_related("project", "project__owner").get(
        datasets__pk=feedback.dataset_id
    )
    people = [person for person in project_editors(demo.project) if person != user]
    if user is not None:
        who = user.display_name
    elif link is not None and link.viewer_name:
        who = link.viewer_name
    else:
        who = "Someone with a share link"
    body = f"{who}: {Verdict(feedback.verdict).label.lower()}"
    if feedback.comment:
        body += f" — “{Truncator(feedback.comment).chars(160)}”"
    new = notify_gathered(
        users=people,
        kind=NotificationKind.FEEDBACK,
        title=f"New stakeholder feedback on “{demo.title}”",
        url=reverse("demos:demo_detail", args=[demo.project.slug, demo.pk]) + "#feedback",
        body=body,
        project=demo.project,
    )
    notifications_email(new)


class NothingJudged(ValueError):
    """No stakeholder has judged the chosen examples: there is no agreement rate to record."""


def agreement_record(
    *, dataset: Dataset, bands: list[Band], band: int | None, criterion: SuccessCriterion, by: User
) -> float:
    """Record the stakeholders' agreement rate with `dataset`'s labels (in %, for one band or
    all) as a reading of `criterion`; returns the value. NothingJudged when nobody judged those
    examples; the readings' LogError for a criterion that cannot take it."""
    rows = agreement_by_band(dataset, bands)
    chosen = [rows[band]] if band is not None else rows
    judged = sum(row["judged"] for row in chosen)
    if not judged:
        raise NothingJudged("Nobody has judged these examples yet; share the demo first.")
    value: float = round(100 * sum(row["agree"] for row in chosen) / judged, 1)
    readings_add(
        project=dataset.demo.project,
        readings=[ReadingInput(criterion=criterion.name, value=value)],
        by=by,
    )
    return value


def agreement_by_band(dataset: Dataset, bands: list[Band]) -> list[dict]:
    """Per band: how many examples were judged, and the share of agreement. One query."""
    rows = (
        Feedback.objects.filter(dataset=dataset)
        .annotate(band=band_expression(bands, field="example__score"))
        .values("band")
        .annotate(
            judged=Count("id"),
            agree=Count("id", filter=Q(verdict=Verdict.AGREE)),
            disagree=Count("id", filter=Q(verdict=Verdict.DISAGREE)),
        )
        .order_by("band")
    )
    by_band = {row["band"]: row for row in rows}
    result = []
    for index, band in enumerate(bands):
        row = by_band.get(index, {"judged": 0, "agree": 0, "disagree": 0})
        rate = row["agree"] / row["judged"] if row["judged"] else None
        result.append({**row, "band": band, "agreement": rate})
    return result


def delete_examples(sender: type[Dataset], instance: Dataset, **kwargs: object) -> None:
    """A dataset is being deleted (pre_delete; by itself, or with its demo or project): its
    examples go in one statement, with the feedback on them. Example.dataset is DO_NOTHING, so
    Django's cascade does not load a million rows first."""
    with connection.cursor() as cursor:
        for table in (Feedback._meta.db_table, Example._meta.db_table):
            cursor.execute(f"DELETE FROM {table} WHERE dataset_id = %s", [instance.pk])  # noqa: S608
