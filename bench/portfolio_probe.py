"""Query counts and response sizes of the portfolio board, measured in-process with Django's test
client on the bench's 2,000-project database (`python -m bench.portfolio_probe`, run by
bench/sections/portfolio.py with DJANGO_SETTINGS_MODULE=bench.settings and DATABASE_URL set).
Prints one JSON object on its last stdout line: {name: {"status", "queries", "bytes"}}, plus the
portfolio's size (projects, experiments) so the figures say what they were measured on.
"""

import json
import sys

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from lifecycle.models import Experiment, Project  # noqa: E402


def main(urls: dict[str, tuple[str, dict]]) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="manager"))
    result = {
        "projects": Project.objects.count(),
        "experiments": Experiment.objects.count(),
    }
    for name, (url, headers) in urls.items():
        client.get(url, headers=headers)  # warm caches alike for every view
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        result[name] = {
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(response.content),
        }
    return result


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
