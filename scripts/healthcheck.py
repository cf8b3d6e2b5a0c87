#!/usr/bin/env python3
"""The container's health probe: GET /healthz from gunicorn inside the container; exit 0 on 200,
1 otherwise (503: the database or Redis is not reachable; or no answer). Standard library only,
so it costs a few milliseconds every interval and needs no curl in the image.

It sends the first ALLOWED_HOSTS entry as the Host header (a leading "." or "*." dropped), since
Django answers 400 to a Host it does not allow; /healthz is exempt from the HTTPS redirect, so
plain HTTP to 127.0.0.1 works. HEALTHCHECK_PORT overrides the port (default 8000).
"""

import os
import sys
import urllib.error
import urllib.request


def probe_host() -> str:
    first = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip()
    return first.lstrip("*").lstrip(".") or "localhost"


def main() -> int:
    port = os.environ.get("HEALTHCHECK_PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": probe_host()}
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - fixed http URL
            print(response.read().decode())
            return 0
    except urllib.error.HTTPError as error:  # 503: the body says which check failed
        print(error.read().decode())
    except OSError as error:
        print(f"no answer from 127.0.0.1:{port}: {error}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
