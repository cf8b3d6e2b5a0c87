"""The address a request comes from, as login throttling (django-axes) and the API's bad-token
throttle count it.

Behind a reverse proxy every request arrives from the proxy's address, so one lock would shut
everybody out; with TRUSTED_PROXY_COUNT = n the address is the one the outermost of the n proxies
saw, read from X-Forwarded-For. Entries left of it are whatever the client chose to send, so
they are never believed.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or None when the request says nothing usable."""
    address = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
