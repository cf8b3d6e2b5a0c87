"""Token authentication: `Authorization: Bearer <token>`, tokens only.

No session cookie counts here, so the API needs no CSRF token: a browser cannot attach a bearer
token to a cross-site request on its own.
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, Throttled
from ninja.security import HttpBearer

from accounts.client_ip import client_ip

from .errors import HOW_TO_AUTHENTICATE
from .selectors import api_token_use
from .services import api_token_record_use
from .throttle import api_token_failure_record, api_token_retry_after

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
        # A locked address is refused before its token is looked at: a correct guess made
        # while locked would otherwise still get in.
        address = client_ip(request)
        wait = api_token_retry_after(address)
        if wait:
            raise Throttled(wait=wait)
        now = timezone.now()
        found = api_token_use(token, since=now - LAST_USED_RESOLUTION)
        if found is None:
            # Only unknown tokens count: a revoked token or an inactive user's was really
            # issued, so sending it again guesses nothing.
            wait = api_token_failure_record(address)
            if wait:
                raise Throttled(wait=wait)
        if found is None or not found.user.is_active:
            raise AuthenticationError(
                message="This API token is not valid. Check that it was copied whole, "
                "or create a new one on your profile page (/accounts/profile/)."
            )
        if found.revoked:
            raise AuthenticationError(
                message=f"This API token ({found.prefix}…) was revoked. "
                "Create a new one on your profile page (/accounts/profile/)."
            )
        if found.use_unrecorded:
            api_token_record_use(token_id=found.token_id, at=now)
        return found.user
