from django.utils.functional import SimpleLazyObject

from accounts.selectors.notifications import unread_count


def notifications(request) -> dict:
    """The bell's unread count, counted only when a page shows the bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
