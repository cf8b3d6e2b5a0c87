"""Nightly reminders to project owners about stages that passed their planned end."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User

from ..models import ProjectStatus, Stage, overdue_stages_q


def overdue_stages_to_remind() -> QuerySet[Stage]:
    """Overdue stages of active projects whose owner has not been told about this planned end."""
    today = timezone.localdate()
    return (
        Stage.objects.filter(
            overdue_stages_q(today),
            project__status=ProjectStatus.ACTIVE,
            project__owner__isnull=False,
        )
        .exclude(project__owner__email="")
        .filter(Q(overdue_reminder_for__isnull=True) | ~Q(overdue_reminder_for=F("planned_end")))
        .select_related("project", "project__owner")
        .order_by("project__name", "position")
    )


def overdue_reminders_send() -> int:
    """One email per owner listing their overdue stages; each stage is reminded once per date.

    Safe to run twice: a stage is marked right after its owner's email went out.
    """
    by_owner: defaultdict[User, list[Stage]] = defaultdict(list)
    for stage in overdue_stages_to_remind():
        assert stage.project.owner is not None  # the query keeps only projects with an owner
        by_owner[stage.project.owner].append(stage)
    today = timezone.localdate()
    for owner, stages in by_owner.items():
        context = {"owner": owner, "stages": stages, "today": today, "base_url": settings.BASE_URL}
        send_mail(
            subject=f"Waypoint: {len(stages)} stage{'s' if len(stages) > 1 else ''} past "
            "the planned end",
            message=render_to_string("lifecycle/email/overdue_stages.txt", context),
            from_email=None,
            recipient_list=[owner.email],
        )
        for stage in stages:
            Stage.objects.filter(pk=stage.pk).update(overdue_reminder_for=stage.planned_end)
    return sum(len(stages) for stages in by_owner.values())
