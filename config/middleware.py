"""Middleware of our own."""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# What django-csp's view decorators (csp_update, csp_replace, csp_exempt...) set on a response.
PER_VIEW_POLICY = tuple(
    f"_csp_{kind}{suffix}"
    for kind in ("exempt", "config", "update", "replace")
    for suffix in ("", "_ro")
)


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, with the site-wide header built once per process.

    django-csp builds the same header string again for every response: a tenth of the CPU of a
    small API request (measured for make bench). A response whose view changes the policy, or
    that used a nonce, still gets its header from django-csp."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.site_header = build_policy()
        self.cacheable = not (
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
        )

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        site_wide = (
            self.cacheable
            and not settings.DEBUG
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, name) for name in PER_VIEW_POLICY)
        )
        if not site_wide:
            return super().process_response(request, response)
        if HEADER not in response:
            response[HEADER] = self.site_header
        # As django-csp does: a nonce asked for after this point raises instead of going unsent.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
