"""Bad API tokens are throttled by address, as failed logins are (django-axes, same limits).

Not axes itself: axes counts in the database and checks a lock with queries on every attempt,
and every API request authenticates, so the check would cost the API's fast path a query or two
(api.selectors.api_token_use finds the token in one). This counts in Django's cache instead: one
cache read per request while nothing is locked. An address that sent API_TOKEN_FAILURE_LIMIT
unknown tokens within API_TOKEN_COOLOFF_TIME is answered 429, with Retry-After, for
API_TOKEN_COOLOFF_TIME from its last bad token; requests from other addresses are not touched.

The lock's end is kept in the value as a timestamp, not only as the key's expiry, so a clock
moved by time-machine in a test moves it too.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache

COUNT_KEY = "api-token-failures:{address}"
LOCK_KEY = "api-token-lock:{address}"


def _cooloff_seconds() -> int:
    return int(settings.API_TOKEN_COOLOFF_TIME.total_seconds())


def api_token_retry_after(address: str | None) -> int:
    """Seconds until `address` may try a token again; 0 when it is not locked."""
    if address is None:
        return 0
    until = cache.get(LOCK_KEY.format(address=address))
    if until is None:
        return 0
    left = until - time.time()
    return math.ceil(left) if left > 0 else 0


def api_token_failure_record(address: str | None) -> int:
    """Count a bad token from `address`; lock the address once it reaches the limit. Returns
    the seconds of the lock (0 while under the limit)."""
    if address is None:
        return 0
    cooloff = _cooloff_seconds()
    key = COUNT_KEY.format(address=address)
    if cache.add(key, 1, timeout=cooloff):
        failures = 1
    else:
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=cooloff)
            failures = 1
        cache.touch(key, timeout=cooloff)  # the window runs from the last bad token
    if failures < settings.API_TOKEN_FAILURE_LIMIT:
        return 0
    cache.set(LOCK_KEY.format(address=address), time.time() + cooloff, timeout=cooloff)
    return cooloff
