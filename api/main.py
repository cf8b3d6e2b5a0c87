"""The Waypoint API, mounted at /api/v1/: token auth, JSON errors, one router per topic.

A new topic (demos, jobs) is a module with a `router`, added with `api.add_router` below. Its
views take the token's user as `request.auth`, find objects through the access helpers (404 for
outsiders, 403 for read-only), and take a JSON body as one schema parameter (errors.py relies on
that to name fields). Multipart uploads do not go through JsonBodyParser: demos.py reads the
body itself with the page's form, after the access check, and documents it with openapi_extra.
For retry-safe creation, wrap the write in idempotency.run_idempotently.
"""

from ninja import NinjaAPI, Swagger

from . import demos, projects
from .auth import TokenAuth
from .errors import HOW_TO_AUTHENTICATE, JsonBodyParser, install_error_handlers

api = NinjaAPI(
    title="Waypoint API",
    version="1",
    description=(
        "For training scripts and notebooks: read projects, log experiments and metric readings, "
        "create demos and upload model outputs to them. "
        f'{HOW_TO_AUTHENTICATE} Errors are JSON: `{{"detail": "<what to change>"}}`.'
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    parser=JsonBodyParser(),
    # Rendered from ninja's own template and static files (ninja is in INSTALLED_APPS): no CDN,
    # and no inline script, so the page works under our Content-Security-Policy.
    docs=Swagger(settings={"persistAuthorization": True}),
)
install_error_handlers(api)

api.add_router("/projects", projects.router)
api.add_router("", demos.router)
