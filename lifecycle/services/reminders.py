"""Weekly log reminders: the editors of an active project with no log entry for the current ISO
week are reminded once, from settings.LOG_REMINDER_WEEKDAY on, in-app and by email.

"No log entry for the week" is the weekly digests' "No weekly log this week": an active project
with no Timebox whose `week_start` is the Monday of the week. Editors are the project's owner and
the members of its team with the role owner or editor; active ones get the in-app reminder (kind
reminder, key `reminder:log:<project id>:<YYYY-Www>`, so once per person, project and week), and
those with an email address get one email listing every project of theirs still missing a log.

An email goes only with a reminder created by this run, so a second run sends nothing twice. The
price: an email whose send fails is not tried again (the in-app reminder stays), which for a
nudge is cheaper than sending it twice.
A run reads and writes a fixed number of queries however many projects there are.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Notification, NotificationKind

from ..access import EDITOR_ROLES
from ..models import Project, Timebox
from ..weeks import week_label, week_start


def unlogged_projects(*, monday: datetime.date) -> list[Project]:
    """Active projects with no log entry (Timebox) for the week starting `monday`, by name."""
    logged = Timebox.objects.filter(project=OuterRef("pk"), week_start=monday)
    return list(
        Project.objects.active().filter(~Exists(logged)).select_related("owner").order_by("name")
    )


def project_editors(projects: list[Project]) -> dict[int, set]:
    """Project id → its active editors: the owner and the team's owners and editors (one query)."""
    by_team = defaultdict(set)
    memberships = Membership.objects.filter(
        team_id__in={project.team_id for project in projects},
        role__in=EDITOR_ROLES,
        user__is_active=True,
    ).select_related("user")
    for membership in memberships:
        by_team[membership.team_id].add(membership.user)
    editors = {}
    for project in projects:
        owner = {project.owner} if project.owner and project.owner.is_active else set()
        editors[project.pk] = owner | by_team[project.team_id]
    return editors


def log_reminder_key(*, project_id: int, monday: datetime.date) -> str:
    return f"reminder:log:{project_id}:{week_label(monday)}"


def _notify_each(*, rows: list[Notification], at: datetime.datetime) -> set[tuple[int, int | None]]:
    """notify()'s contract for many keys at once: each row is created unless its user already
    has a notification with its key; returns the (user id, project id) pairs created by this call.

    accounts.services.notifications.notify takes one key per call (a few queries each); this
    writes a whole portfolio's reminders in three. tests/lifecycle/test_reminders.py holds the
    two to the same rows and the same "exactly once".
    """
    if not rows:
        return set()
    keys = {row.key for row in rows}
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(
                user_id__in={row.user_id for row in rows}, key__in=keys
            ).values_list("user_id", "key")
        )
        wanted = [row for row in rows if (row.user_id, row.key) not in existing]
        if not wanted:
            return set()
        Notification.objects.bulk_create(wanted, batch_size=500, ignore_conflicts=True)
        # ignore_conflicts leaves pks unset; read back the rows this call wrote, as notify()
        # does: by created_at, which a concurrent run shares only if given the same `at`.
        created = Notification.objects.filter(
            user_id__in={row.user_id for row in wanted},
            key__in={row.key for row in wanted},
            created_at=at,
        ).values_list("user_id", "key", "project_id")
        wanted_pairs = {(row.user_id, row.key) for row in wanted}
        return {
            (user_id, project_id)
            for user_id, key, project_id in created
            if (user_id, key) in wanted_pairs
        }


def _email(user, projects: list[Project], monday: datetime.date) -> EmailMessage:
    if len(projects) == 1:
        subject = f"Waypoint: no weekly log yet for {projects[0].name}"
    else:
        subject = f"Waypoint: no weekly log yet for {len(projects)} projects"
    context = {
        "user": user,
        "projects": [
            {"name": project.name, "url": settings.BASE_URL + _log_path(project)}
            for project in projects
        ],
        "monday": monday,
        "week": week_label(monday),
    }
    return EmailMessage(
        subject=subject[:200],
        body=render_to_string("lifecycle/email/log_reminders.txt", context),
        to=[user.email],
    )


def _log_path(project: Project) -> str:
    return reverse("lifecycle:project_log", kwargs={"slug": project.slug})


def log_reminders_send(*, at: datetime.datetime | None = None) -> int:
    """Remind the editors of every active project with no log entry for `at`'s ISO week, once
    per person, project and week, if `at` (in TIME_ZONE) is on or after LOG_REMINDER_WEEKDAY.
    Returns the number of in-app reminders created (0 before the weekday)."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    if today.weekday() < settings.LOG_REMINDER_WEEKDAY:
        return 0
    monday = week_start(today)
    projects = {project.pk: project for project in unlogged_projects(monday=monday)}
    if not projects:
        return 0
    editors = project_editors(list(projects.values()))
    people = {}
    rows = []
    for project in projects.values():
        for user in editors[project.pk]:
            people[user.pk] = user
            rows.append(
                Notification(
                    user_id=user.pk,
                    kind=NotificationKind.REMINDER,
                    title=f"{project.name}: no weekly log yet for {week_label(monday)}"[:200],
                    body="Plan this week's experiments or write its review in the log.",
                    url=_log_path(project),
                    project_id=project.pk,
                    key=log_reminder_key(project_id=project.pk, monday=monday),
                    created_at=at,
                )
            )
    created = _notify_each(rows=rows, at=at)
    by_user = defaultdict(list)
    for user_id, project_id in created:
        by_user[user_id].append(projects[project_id])
    messages = [
        _email(people[user_id], sorted(mine, key=lambda p: p.name), monday)
        for user_id, mine in sorted(by_user.items())
        if people[user_id].email
    ]
    if messages:
        get_connection().send_messages(messages)
    return len(created)
