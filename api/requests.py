"""The request an API view gets once the token auth (api.auth) has let it through."""

from typing import Any

from django.http import HttpRequest
from ninja import Header

from accounts.models import User


class AuthedRequest(HttpRequest):
    """For type checks only: django-ninja sets `auth` to what the auth class returned."""

    auth: User


def documented_header(alias: str, schema: dict[str, Any]) -> Any:
    """An optional header whose OpenAPI schema states the rule the view checks itself (`schema`:
    pattern, maxLength), so that a malformed value gets the view's 400 saying what to send."""
    param = Header(None, alias=alias)
    if not isinstance(param.json_schema_extra, dict):
        param.json_schema_extra = {}
    param.json_schema_extra.update(schema)
    return param
