"""The request of a view behind login_required: its user is a signed-in User, so mypy checks
what views hand to services as `by=`."""

from plumbing.htmx import HtmxHttpRequest

from .models import User


class SignedInRequest(HtmxHttpRequest):
    user: User
