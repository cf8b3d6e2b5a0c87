"""The request an API view gets once the token auth (api.auth) has let it through."""

from django.http import HttpRequest

from accounts.models import User


class AuthedRequest(HttpRequest):
    """For type checks only: django-ninja sets `auth` to what the auth class returned."""

    auth: User
