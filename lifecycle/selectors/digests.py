"""The week's digests, built from a few grouped queries and assembled per person in Python.

Week: a digest is about the last complete ISO week before the send time (`digest_week`): sent
on Monday 08:00 it covers Monday to Sunday just ended, so "no log this week" means the whole
week passed without one.

Who gets what:
- managers (superusers and holders of `accounts.view_all_projects`, with an email): the
  portfolio's week: stage moves, ships and stops with their reasons, health changes against
  the previous digest's HealthSnapshot, likelihood drops of DROP_POINTS or more week over week,
  open alerts and active projects with no log in the week;
- team members (Membership rows of any role, with an email): their teams' projects' gaps (no log,
  no likelihood, stage past its planned end, unresolved alerts);
- stakeholders (DigestSubscriber rows): the project's week in words, never a raw probability:
  the likelihood in words (`likelihood_words`) with its reason, each business criterion's latest
  reading up to the week's end against its target ("reached" / "not yet", direction-aware), and
  the demo link (the usable share link of the project's demo that expires last, if any).
Member digests also count the stakeholder feedback given in the week, by demo (agree/disagree).
Health is project_health on the project's current ProjectSummary as of the week's last day;
the earlier level is the HealthSnapshot digests_send wrote for the week before.
A DigestOptOut for (email, kind) leaves that person out of that kind.

The number of queries does not depend on the number of projects or people
(tests/lifecycle/test_digests.py asserts it).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Membership, User
from demos.models import Feedback, ShareLink, Verdict
from plumbing.numbers import number

from ..health import LABELS, project_health
from ..models import (
    Alert,
    CriterionKind,
    DigestKind,
    DigestOptOut,
    DigestSubscriber,
    EventKind,
    HealthSnapshot,
    Project,
    ProjectEvent,
    ProjectStatus,
    Reading,
    SuccessCriterion,
    Timebox,
)
from ..weeks import week_label, week_start

DROP_POINTS = 15


def digest_week(at: datetime.datetime) -> datetime.date:
    """The Monday of the last complete ISO week before `at`."""
    return week_start(at.date()) - datetime.timedelta(days=7)


def likelihood_words(percent: int) -> str:
    """The team's estimate said without a number (stakeholders never see a probability)."""
    if percent >= 80:
        return "very likely"
    if percent >= 60:
        return "likely"
    if percent >= 40:
        return "about even"
    if percent >= 20:
        return "unlikely"
    return "very unlikely"


@dataclass
class CriterionWeek:
    """A business criterion's latest reading by the week's end against its target."""

    name: str
    unit: str
    target: float
    lower_is_better: bool
    latest: float | None

    @property
    def reached(self) -> bool:
        if self.latest is None:
            return False
        if self.lower_is_better:
            return self.latest <= self.target
        return self.latest >= self.target

    @property
    def text(self) -> str:
        target = f"{number(self.target)} {self.unit}".strip()
        if self.latest is None:
            return f"no reading yet (target {target})"
        latest = f"{number(self.latest)} {self.unit}".strip()
        return f"{latest} against a target of {target}: {'reached' if self.reached else 'not yet'}"


@dataclass
class FeedbackCount:
    demo: str
    agree: int
    disagree: int
    unsure: int


@dataclass
class ProjectWeek:
    """What happened to one project in the week."""

    project: Project
    events: list[ProjectEvent] = field(default_factory=list)
    likelihood: int | None = None
    likelihood_reason: str = ""
    previous_likelihood: int | None = None
    logged: bool = False
    alerts: list[Alert] = field(default_factory=list)
    health_level: str | None = None
    previous_health_level: str | None = None
    overdue: bool = False
    criteria: list[CriterionWeek] = field(default_factory=list)
    demo_url: str = ""
    feedback: list[FeedbackCount] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.project.status == ProjectStatus.ACTIVE

    @property
    def likelihood_drop(self) -> int:
        if self.likelihood is None or self.previous_likelihood is None:
            return 0
        return max(0, self.previous_likelihood - self.likelihood)

    @property
    def likelihood_words(self) -> str:
        return likelihood_words(self.likelihood) if self.likelihood is not None else ""

    @property
    def health_label(self) -> str:
        return LABELS.get(self.health_level or "", (self.health_level or "").title())

    @property
    def previous_health_label(self) -> str:
        level = self.previous_health_level or ""
        return LABELS.get(level, level.title())

    @property
    def health_changed(self) -> bool:
        return (
            self.previous_health_level is not None
            and self.health_level != self.previous_health_level
        )

    @property
    def gaps(self) -> list[str]:
        if not self.active:
            return []
        gaps = []
        if not self.logged:
            gaps.append("No weekly log this week")
        elif self.likelihood is None:
            gaps.append("No likelihood of success this week")
        if self.overdue:
            gaps.append("The current stage is past its planned end")
        if self.alerts:
            gaps.append(f"{len(self.alerts)} unresolved alert(s)")
        return gaps


@dataclass
class Digest:
    kind: str
    email: str
    name: str
    week_start: datetime.date
    projects: list[ProjectWeek]
    project: Project | None = None  # the stakeholder digest's project

    @property
    def week(self) -> str:
        return week_label(self.week_start)

    @property
    def project_key(self) -> int:
        return self.project.pk if self.project else 0

    @property
    def moves(self) -> list[tuple[ProjectWeek, ProjectEvent]]:
        return [(item, event) for item in self.projects for event in item.events]

    @property
    def health_changes(self) -> list[ProjectWeek]:
        return [item for item in self.projects if item.health_changed]

    @property
    def drops(self) -> list[ProjectWeek]:
        return [item for item in self.projects if item.likelihood_drop >= DROP_POINTS]

    @property
    def alerts(self) -> list[tuple[ProjectWeek, Alert]]:
        return [(item, alert) for item in self.projects for alert in item.alerts]

    @property
    def unlogged(self) -> list[ProjectWeek]:
        return [item for item in self.projects if item.active and not item.logged]

    @property
    def gaps(self) -> list[tuple[ProjectWeek, str]]:
        return [(item, gap) for item in self.projects for gap in item.gaps]

    @property
    def feedback(self) -> list[tuple[ProjectWeek, FeedbackCount]]:
        return [(item, count) for item in self.projects for count in item.feedback]

    @property
    def first_digest(self) -> bool:
        return all(item.previous_health_level is None for item in self.projects)


def project_weeks(
    *, week: datetime.date, project_ids: list[int] | None = None
) -> dict[int, ProjectWeek]:
    """Every project's week, in eight queries whatever their number."""
    end = week + datetime.timedelta(days=7)
    projects = Project.objects.select_related("board_summary", "team").order_by("name")
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
    weeks = {project.pk: ProjectWeek(project=project) for project in projects}
    ids = list(weeks)
    events = ProjectEvent.objects.filter(
        project_id__in=ids,
        at__date__gte=week,
        at__date__lt=end,
        kind__in=[EventKind.STAGE_MOVED, EventKind.SHIPPED, EventKind.STOPPED],
    ).order_by("at", "id")
    for event in events:
        weeks[event.project_id].events.append(event)
    timeboxes = Timebox.objects.filter(
        project_id__in=ids, week_start__in=[week, week - datetime.timedelta(days=7)]
    ).values_list("project_id", "week_start", "likelihood", "likelihood_reason")
    for project_id, start, likelihood, reason in timeboxes:
        item = weeks[project_id]
        if start == week:
            item.logged = True
            item.likelihood, item.likelihood_reason = likelihood, reason
        else:
            item.previous_likelihood = likelihood
    for alert in Alert.objects.unresolved().filter(project_id__in=ids).order_by("opened_at"):
        weeks[alert.project_id].alerts.append(alert)
    earlier = HealthSnapshot.objects.filter(
        project_id__in=ids, week_start=week - datetime.timedelta(days=7)
    ).values_list("project_id", "level")
    for project_id, level in earlier:
        weeks[project_id].previous_health_level = level
    _attach_criteria(weeks, end)
    _attach_demo_links(weeks, end)
    _attach_feedback(weeks, week, end)
    today = end - datetime.timedelta(days=1)
    for item in weeks.values():
        summary = getattr(item.project, "board_summary", None)
        health = project_health(item.project, summary, today=today)
        item.health_level = health.level if health else item.project.status
        item.overdue = bool(
            summary
            and summary.stage_planned_end
            and summary.stage_planned_end < today
            and not summary.stage_done
        )
    return weeks


def _week_end(end: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(end, datetime.time.min))


def _attach_criteria(weeks: dict[int, ProjectWeek], end: datetime.date) -> None:
    latest = Reading.objects.filter(criterion=OuterRef("pk"), at__lt=_week_end(end)).order_by(
        "-at", "-id"
    )
    criteria = (
        SuccessCriterion.objects.filter(project_id__in=list(weeks), kind=CriterionKind.BUSINESS)
        .order_by("project_id", "position", "id")
        .annotate(latest_value=Subquery(latest.values("value")[:1]))
        .values_list("project_id", "name", "unit", "target", "direction", "latest_value")
    )
    for project_id, name, unit, target, direction, value in criteria:
        weeks[project_id].criteria.append(
            CriterionWeek(name, unit, target, direction == "lower", value)
        )


def _attach_demo_links(weeks: dict[int, ProjectWeek], end: datetime.date) -> None:
    links = (
        ShareLink.objects.filter(
            demo__project_id__in=list(weeks), revoked_at=None, expires_at__gt=_week_end(end)
        )
        .select_related("demo")
        .order_by("expires_at")
    )
    for link in links:  # the last one to expire wins
        weeks[link.demo.project_id].demo_url = link.get_absolute_url()


def _attach_feedback(
    weeks: dict[int, ProjectWeek], week: datetime.date, end: datetime.date
) -> None:
    counts = (
        Feedback.objects.filter(
            dataset__demo__project_id__in=list(weeks),
            created_at__gte=_week_end(week),
            created_at__lt=_week_end(end),
        )
        .values("dataset__demo__project_id", "dataset__demo__title")
        .annotate(
            agree=Count("pk", filter=Q(verdict=Verdict.AGREE)),
            disagree=Count("pk", filter=Q(verdict=Verdict.DISAGREE)),
            unsure=Count("pk", filter=Q(verdict=Verdict.UNSURE)),
        )
        .order_by("dataset__demo__project_id", "dataset__demo__title")
    )
    for row in counts:
        weeks[row["dataset__demo__project_id"]].feedback.append(
            FeedbackCount(row["dataset__demo__title"], row["agree"], row["disagree"], row["unsure"])
        )


def digests_for_week(*, week: datetime.date) -> list[Digest]:
    """Every digest of the week, for every person who should get one."""
    weeks = project_weeks(week=week)
    opted_out = set(DigestOptOut.objects.values_list("email", "kind"))
    digests: list[Digest] = []

    User = get_user_model()
    managers = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename="view_all_projects")
            | Q(groups__permissions__codename="view_all_projects")
        )
        .distinct()
        .order_by("pk")
    )
    portfolio = list(weeks.values())
    for user in managers:
        if (user.email, DigestKind.MANAGER) not in opted_out:
            digests.append(
                Digest(DigestKind.MANAGER, user.email, user.display_name, week, portfolio)
            )

    by_team: dict[int, list[ProjectWeek]] = defaultdict(list)
    for item in portfolio:
        by_team[item.project.team_id].append(item)
    members: dict[int, tuple] = {}
    memberships = (
        Membership.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        user = membership.user
        entry = members.setdefault(user.pk, (user, []))
        entry[1].extend(by_team[membership.team_id])
    for user, items in members.values():
        if items and (user.email, DigestKind.MEMBER) not in opted_out:
            digests.append(Digest(DigestKind.MEMBER, user.email, user.display_name, week, items))

    for subscriber in DigestSubscriber.objects.order_by("pk"):
        subscribed = weeks.get(subscriber.project_id)
        if subscribed and (subscriber.email, DigestKind.STAKEHOLDER) not in opted_out:
            digests.append(
                Digest(
                    DigestKind.STAKEHOLDER,
                    subscriber.email,
                    subscriber.name,
                    week,
                    [subscribed],
                    project=subscribed.project,
                )
            )
    return digests


def digest_preferences(*, user: User) -> list[tuple[str, str, bool]]:
    """(kind, label, on) for the digests this user can get: the manager digest only for
    managers; on unless turned off for the user's email."""
    off = set(DigestOptOut.objects.filter(email=user.email).values_list("kind", flat=True))
    is_manager = user.is_superuser or user.has_perm("accounts.view_all_projects")
    return [
        (kind, label, kind not in off)
        for kind, label in DigestKind.choices
        if kind != DigestKind.MANAGER or is_manager
    ]


def manager_digest(*, user: User, week: datetime.date) -> Digest:
    """The portfolio digest as `user` (a manager) gets it."""
    items = list(project_weeks(week=week).values())
    return Digest(DigestKind.MANAGER, user.email, user.display_name, week, items)


def member_digest(*, user: User, week: datetime.date) -> Digest:
    """The digest of the projects of `user`'s teams."""
    ids = list(
        Project.objects.filter(team__memberships__user=user).distinct().values_list("pk", flat=True)
    )
    items = list(project_weeks(week=week, project_ids=ids).values())
    return Digest(DigestKind.MEMBER, user.email, user.display_name, week, items)


def stakeholder_digest(
    *, project: Project, week: datetime.date, email: str = "", name: str = ""
) -> Digest:
    """One project's stakeholder digest (for `email`, or for a preview)."""
    item = project_weeks(week=week, project_ids=[project.pk])[project.pk]
    return Digest(DigestKind.STAKEHOLDER, email, name, week, [item], project=project)


def project_subscribers(*, project: Project) -> list[DigestSubscriber]:
    return list(DigestSubscriber.objects.filter(project=project).order_by("email"))
