"""Reads for in-app notifications."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from accounts.models import Notification, User

PAGE_SIZE = 25


def unread_count(user: User) -> int:
    """How many of `user`'s notifications are unread (one COUNT on a partial index)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(
    user: User, *, page: int | str = 1, per_page: int = PAGE_SIZE, unread_only: bool = False
) -> Page:
    """`user`'s notifications, newest first, one page at a time (with their projects)."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    qs = qs.select_related("project").order_by("-created_at", "-id")
    return Paginator(qs, per_page).get_page(page)
