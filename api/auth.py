"""Token authentication: `Authorization: Bearer <token>`, tokens only.

No session cookie counts here, so the API needs no CSRF token: a browser cannot attach a bearer
token to a cross-site request on its own.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from .errors import HOW_TO_AUTHENTICATE
from .models import ApiToken, token_hash

# last_used_at is for people ("is this token still in use?"): minute precision is plenty, and
# it spares a write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(message=HOW_TO_AUTHENTICATE)
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.objects.select_related("user").filter(token_hash=token_hash(token)).first()
        if found is None or not found.user.is_active:
            raise AuthenticationError(
                message="This API token is not valid. Check that it was copied whole, "
                "or create a new one on your profile page (/accounts/profile/)."
            )
        if found.is_revoked:
            raise AuthenticationError(
                message=f"This API token ({found.prefix}…) was revoked. "
                "Create a new one on your profile page (/accounts/profile/)."
            )
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.api_token = found
        return found.user
