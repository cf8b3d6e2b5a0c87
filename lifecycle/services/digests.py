"""Sending the week's digests, each exactly once per person, kind (and project) and week.

Each digest is claimed by inserting its DigestDelivery row (status "sending") in its own short
transaction; the unique constraint makes a second run, or a second worker, skip it. The mail is
then handed to the backend and the row marked "sent". A run finds the rows still "sending" from
a run that died (claimed more than settings.DIGEST_RECLAIM_SECONDS ago) and sends them again.
A run that leaves claims it could not take over yet (`digests_unfinished`) is retried by the task
after that delay, so a worker killed mid-send has its unsent digests sent by the next worker
(acks_late redelivers the task; the retry covers the claims the dead run held).

The one window SMTP leaves: the mail was handed over and the worker died before marking the row
sent. We choose that this person may get the digest twice rather than never: a weekly summary
read twice costs a glance, one never read loses a week of news. The window is the time between
the SMTP server's acceptance and one UPDATE, so it is small.

The health snapshot of each project for the week is written when the digests are sent (derived
data written by the job, not by a GET), so next week's manager digest can report changes.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

from ..models import (
    DeliveryStatus,
    DigestDelivery,
    DigestKind,
    DigestOptOut,
    DigestSubscriber,
    HealthSnapshot,
    Project,
)
from ..selectors.digests import Digest, digest_week, digests_for_week

UNSUBSCRIBE_SALT = "lifecycle.digests.unsubscribe"
SUBJECTS = {
    "manager": "Portfolio week {week}",
    "member": "Your projects' week {week}",
    "stakeholder": "{project}: the week {week}",
}


def unsubscribe_token(*, email: str, kind: str) -> str:
    return signing.dumps({"email": email, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def digest_unsubscribe(*, token: str, at: datetime.datetime | None = None) -> DigestOptOut:
    """Turn a digest kind off for the email the link was sent to (signed, no login); for a
    stakeholder that stops every project's update to that address (subscribing again on a project
    turns it back on). Raises signing.BadSignature for a tampered or foreign token, changing
    nothing. The token does not expire: an old email's link still works."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    opt_out, _ = DigestOptOut.objects.get_or_create(
        email=data["email"], kind=data["kind"], defaults={"at": at or timezone.now()}
    )
    return opt_out


def digest_context(digest: Digest) -> dict:
    path = reverse(
        "lifecycle:digest_unsubscribe",
        args=[unsubscribe_token(email=digest.email, kind=digest.kind)],
    )
    return {
        "digest": digest,
        "unsubscribe_url": f"{settings.BASE_URL}{path}",
        "base_url": settings.BASE_URL,
    }


def digest_render(digest: Digest) -> tuple[str, str, str]:
    """(subject, plain text, HTML) from one context."""
    context = digest_context(digest)
    subject = SUBJECTS[digest.kind].format(
        week=digest.week, project=digest.project.name if digest.project else ""
    )
    text = render_to_string(f"lifecycle/digests/email_{digest.kind}.txt", context)
    html = render_to_string(f"lifecycle/digests/email_{digest.kind}.html", context)
    return subject, text, html


def _claim(digest: Digest, now: datetime.datetime) -> DigestDelivery | None:
    """The delivery row for this digest if this run may send it, else None."""
    key = {
        "email": digest.email,
        "kind": digest.kind,
        "project_key": digest.project_key,
        "week_start": digest.week_start,
    }
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(**key, attempts=1, claimed_at=now)
    except IntegrityError:
        pass
    # A claim left "sending" by a run that died: take it over, atomically, once.
    taken = DigestDelivery.objects.filter(
        **key,
        status=DeliveryStatus.SENDING,
        claimed_at__lt=now - datetime.timedelta(seconds=settings.DIGEST_RECLAIM_SECONDS),
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    return DigestDelivery.objects.get(**key) if taken else None


def health_snapshots_write(*, digests: list[Digest], week: datetime.date) -> None:
    seen = {
        item.project.pk: item.health_level
        for d in digests
        for item in d.projects
        if item.health_level is not None  # always set by digests_for_week
    }
    HealthSnapshot.objects.bulk_create(
        [HealthSnapshot(project_id=pk, week_start=week, level=level) for pk, level in seen.items()],
        update_conflicts=True,
        unique_fields=["project", "week_start"],
        update_fields=["level"],
    )


def digests_send(
    *, week: datetime.date | None = None, dry_run: bool = False, at: datetime.datetime | None = None
) -> int:
    """Send every digest of `week` (default: the last complete week before `at`) not yet sent;
    return how many were sent (or, with dry_run, would be sent, writing nothing)."""
    now = at or timezone.now()
    week = week or digest_week(now)
    digests = digests_for_week(week=week)
    if dry_run:
        done = set(
            DigestDelivery.objects.filter(week_start=week, status=DeliveryStatus.SENT).values_list(
                "email", "kind", "project_key"
            )
        )
        return sum((d.email, d.kind, d.project_key) not in done for d in digests)
    health_snapshots_write(digests=digests, week=week)
    sent = 0
    for digest in digests:
        delivery = _claim(digest, now)
        if delivery is None:
            continue
        subject, text, html = digest_render(digest)
        message = EmailMultiAlternatives(subject, text, to=[digest.email])
        message.attach_alternative(html, "text/html")
        message.send()
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now()
        )
        sent += 1
    return sent


def digest_preferences_save(
    *, email: str, kinds: set[str], enabled: set[str], at: datetime.datetime | None = None
) -> None:
    """Turn each digest kind of `kinds` (those the profile offers) on if in `enabled`, else off,
    for `email`."""
    if not email:
        raise ValueError("Add an email address to your account to get digests.")
    with transaction.atomic():
        DigestOptOut.objects.filter(email=email, kind__in=enabled & kinds).delete()
        for kind in kinds - enabled:
            DigestOptOut.objects.get_or_create(
                email=email, kind=kind, defaults={"at": at or timezone.now()}
            )


def digest_subscribe(
    *,
    project: Project,
    email: str,
    name: str = "",
    user: User | None = None,
    at: datetime.datetime | None = None,
) -> DigestSubscriber:
    """Add a stakeholder to a project's weekly update (a reader opting in, or an editor adding
    someone by name and email). Subscribing again changes nothing; it turns the stakeholder
    digest back on for that email, since asking for it is the clearest wish."""
    email = email.strip().lower()
    if not email:
        raise ValueError("Give an email address to send the weekly update to.")
    with transaction.atomic():
        subscriber, _ = DigestSubscriber.objects.get_or_create(
            project=project,
            email=email,
            defaults={"name": name.strip()[:120], "user": user, "created_at": at or timezone.now()},
        )
        DigestOptOut.objects.filter(email=email, kind=DigestKind.STAKEHOLDER).delete()
    return subscriber


def digest_unsubscribe_project(*, project: Project, email: str) -> int:
    """Stop a project's weekly update for `email`; returns how many subscriptions went."""
    deleted, _ = DigestSubscriber.objects.filter(project=project, email=email.lower()).delete()
    return deleted


def digests_unfinished(*, week: datetime.date) -> int:
    """How many of the week's digests are claimed and not sent (a run in flight, or dead)."""
    return DigestDelivery.objects.filter(week_start=week, status=DeliveryStatus.SENDING).count()
