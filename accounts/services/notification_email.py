"""The email that goes with a new in-app notification (run by accounts.tasks)."""

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Notification


def notifications_send_email(*, ids: list[int]) -> int:
    """One email per notification still unread, to active people with an address. Returns sent."""
    notifications = Notification.objects.filter(
        pk__in=ids, read_at__isnull=True, user__is_active=True
    ).select_related("user", "project")
    messages = []
    for notification in notifications:
        if not notification.user.email:
            continue
        context = {
            "notification": notification,
            "user": notification.user,
            "open_url": settings.BASE_URL + reverse("notifications:open", args=[notification.pk]),
            "list_url": settings.BASE_URL + reverse("notifications:list"),
        }
        body = render_to_string("accounts/email/notification.txt", context)
        messages.append(
            (f"Waypoint: {notification.title}"[:200], body, None, [notification.user.email])
        )
    if not messages:
        return 0
    return send_mass_mail(messages, fail_silently=False, connection=get_connection())
