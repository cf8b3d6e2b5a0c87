from django.utils.functional import SimpleLazyObject

from .access import teams_user_can_create_in


def navigation(request) -> dict:
    """Whether to offer "New project": only to people who may start one (evaluated on use)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_create_projects": False}
    return {
        "can_create_projects": SimpleLazyObject(lambda: teams_user_can_create_in(user).exists())
    }
