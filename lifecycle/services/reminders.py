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
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, NotificationKind, User
from accounts.services.notifications import notify_each

from ..access import editors_by_project
from ..models import Project, Timebox
from ..weeks import week_label, week_start


def unlogged_projects(*, monday: datetime.date) -> list[Project]:
    """Active projects with no log entry (Timebox) for the week starting `monday`, by name."""
    logged = Timebox.objects.filter(project=OuterRef("pk"), week_start=monday)
    return list(
        Project.objects.active().filter(~Exists(logged)).select_related("owner").order_by("name")
    )


def log_reminder_key(*, project_id: int, monday: datetime.date) -> str:
    return f"reminder:log:{project_id}:{week_label(monday)}"


def _email(user: User, projects: list[Project], monday: datetime.date) -> EmailMessage:
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
    editors = editors_by_project(list(projects.values()))
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
    created = notify_each(rows)
    by_user = defaultdict(list)
    for notification in created:
        assert notification.project_id is not None  # every reminder names its project
        by_user[notification.user_id].append(projects[notification.project_id])
    messages = [
        _email(people[user_id], sorted(mine, key=lambda p: p.name), monday)
        for user_id, mine in sorted(by_user.items())
        if people[user_id].email
    ]
    if messages:
        get_connection().send_messages(messages)
    return len(created)
