"""Who gets what from every route and API operation: the one table tests/test_access_matrix.py
holds the app to.

Each row is a route (its URL name) or an operation ("METHOD /path"), then a method, then what
each actor gets: a status code, or LOGIN for a redirect to the login page. The helpers below
write out a whole row from the rule it follows, so a row always names every actor; the actors
are those of tests/access_world.py:

- anonymous; share-link holders (valid, tampered, expired, revoked) on any route but the share
  pages get what anonymous gets: a link opens its demo and nothing else;
- outsider: signed in, owner of another team (404 for anything of ours: it does not exist);
- viewer, editor, owner of our team; a portfolio manager (reads everything, changes nothing);
  a superuser (reads and changes everything).

Every route is tried with GET and POST (METHODS); 405 says a route does not take the method.
No page takes PUT or DELETE (the API's operations do, in API_EXPECTED): they get 405 from every
route but those in OTHER_METHODS.
"""

from .access_world import (
    ACTORS,
    ANONYMOUS,
    EDITOR,
    LINK_EXPIRED,
    LINK_HOLDERS,
    LINK_REVOKED,
    LINK_TAMPERED,
    LINK_VALID,
    MANAGER,
    OUTSIDER,
    OWNER,
    SIGNED_IN,
    SUPERUSER,
    VIEWER,
)

LOGIN = "login"
METHODS = ("GET", "POST")

# Routes the matrix leaves out, and why.
SKIPPED = {
    "admin/": "Django's admin: staff only, by Django's own checks rather than our access "
    "helpers (static files are served by WhiteNoise, outside the URLconf)",
}

# What the routes that do not answer PUT and DELETE with 405 answer instead; None: not checked.
OTHER_METHODS = {
    # Django's own account views: its form views answer PUT as POST (ProcessFormView.put).
    "login": None,
    "password_change": None,
    "password_change_done": None,
    "password_reset": None,
    "password_reset_confirm": None,
    "api:openapi-json": 200,  # ninja's public schema and docs read the same for any method
    "api:openapi-view": 200,
    "api:api-root": 404,  # the API's JSON 404 for anything not an operation
    "<unnamed> api/v1/": 404,
    "<unnamed> api/v1/ (any other path)": 404,
}

READ, EDIT, OWN = 1, 2, 3
# A part of a page for htmx: a plain GET is redirected to the whole page.
PARTIAL = 302
RANK = {VIEWER: READ, MANAGER: READ, EDITOR: EDIT, OWNER: OWN, SUPERUSER: OWN}


def everyone(status) -> dict:
    """The same answer for every actor (405: the route does not take this method)."""
    return dict.fromkeys(ACTORS, status)


def as_anonymous(anonymous) -> dict:
    """Anonymous, and the share-link holders, who get the same."""
    return {ANONYMOUS: anonymous, **dict.fromkeys(LINK_HOLDERS, anonymous)}


def signed_in(ok, *, anonymous=LOGIN) -> dict:
    """Anyone signed in gets `ok` (pages about oneself, or lists scoped to what one sees)."""
    return {**as_anonymous(anonymous), **dict.fromkeys(SIGNED_IN, ok)}


def only(actor, ok, *, others=404) -> dict:
    """Something that belongs to one person (a notification, an API token)."""
    return {**signed_in(others), actor: ok}


def on_project(need: int, ok, *, anonymous=LOGIN, denied=403) -> dict:
    """A page of our project that needs `need` (READ, EDIT or OWN): outsiders 404, members
    and managers below it `denied`."""
    ranks = {actor: (ok if rank >= need else denied) for actor, rank in RANK.items()}
    return {**as_anonymous(anonymous), OUTSIDER: 404, **ranks}


def on_team(need: int, ok, *, denied=403) -> dict:
    """A page of our team that needs `need` (READ or OWN): outsiders 404, the others below it
    `denied`. The team's ranks are those of its projects (managers read, superusers change)."""
    return on_project(need, ok, denied=denied)


def through_link(*, valid, others=404) -> dict:
    """A share page: the valid link opens it; a tampered one is not found (as no link at all,
    which is what everyone else presents); an expired or revoked one is gone (410)."""
    return {
        **dict.fromkeys(ACTORS, others),
        LINK_VALID: valid,
        LINK_TAMPERED: 404,
        LINK_EXPIRED: 410,
        LINK_REVOKED: 410,
    }


def page(need, get=200, post=405) -> dict:
    """A project route that reads (GET) and perhaps writes (POST) with the same right."""
    return {
        "GET": on_project(need, get) if get != 405 else everyone(405),
        "POST": on_project(need, post) if post != 405 else everyone(405),
    }


def form(need, saved=302) -> dict:
    """A project form: GET shows it, POST saves and redirects."""
    return page(need, get=200, post=saved)


def action(need, done=302) -> dict:
    """A project button: POST only."""
    return page(need, get=405, post=done)


EXPECTED: dict[str, dict[str, dict]] = {
    "healthz": {"GET": everyone(200), "POST": everyone(405)},
    # Django's account pages
    "login": {"GET": everyone(200), "POST": everyone(200)},
    "logout": {"GET": everyone(405), "POST": everyone(LOGIN)},
    "password_change": {"GET": signed_in(200), "POST": signed_in(200)},
    "password_change_done": {"GET": signed_in(200), "POST": signed_in(405)},
    "password_reset": {"GET": everyone(200), "POST": everyone(200)},
    "password_reset_done": {"GET": everyone(200), "POST": everyone(405)},
    "password_reset_confirm": {"GET": everyone(200), "POST": everyone(200)},
    "password_reset_complete": {"GET": everyone(200), "POST": everyone(405)},
    # The profile and its API tokens; notifications
    "accounts:profile": {"GET": signed_in(200), "POST": everyone(405)},
    "accounts:token_create": {"GET": everyone(405), "POST": signed_in(201)},
    "accounts:token_revoke": {"GET": everyone(405), "POST": only(OWNER, 302)},
    "notifications:list": {"GET": signed_in(200), "POST": everyone(405)},
    "notifications:bell": {"GET": signed_in(200), "POST": everyone(405)},
    "notifications:read_all": {"GET": everyone(405), "POST": signed_in(302)},
    "notifications:open": {"GET": only(VIEWER, 302), "POST": everyone(405)},
    "notifications:read": {"GET": everyone(405), "POST": only(VIEWER, 302)},
    # Teams: members (and managers) read; owners and superusers change; only members leave,
    # but not the last owner (our owner is the only one: 409, nothing written).
    "teams:list": {"GET": signed_in(200), "POST": everyone(405)},
    "teams:detail": {"GET": on_team(READ, 200), "POST": everyone(405)},
    "teams:member_add": {"GET": everyone(405), "POST": on_team(OWN, 302)},
    "teams:member_role": {"GET": everyone(405), "POST": on_team(OWN, 302)},
    "teams:member_remove": {"GET": on_team(OWN, 200), "POST": on_team(OWN, 302)},
    "teams:leave": {
        "GET": {**on_team(READ, 200), MANAGER: 404, SUPERUSER: 404},
        "POST": {**on_team(READ, 302), OWNER: 409, MANAGER: 404, SUPERUSER: 404},
    },
    # The API's own pages and its answer for any other path
    # ninja's schema and docs views are public and answer any method with the same read.
    "api:openapi-json": {"GET": everyone(200), "POST": everyone(200)},
    "api:openapi-view": {"GET": everyone(200), "POST": everyone(200)},
    # ninja's own root view, shadowed by the JSON 404 mounted before it (api/urls.py).
    "api:api-root": {"GET": everyone(404), "POST": everyone(404)},
    "<unnamed> api/v1/": {"GET": everyone(404), "POST": everyone(404)},
    "<unnamed> api/v1/ (any other path)": {"GET": everyone(404), "POST": everyone(404)},
    # Home, the portfolio, new projects: scoped to what each person sees
    "lifecycle:home": {"GET": signed_in(200), "POST": everyone(405)},
    "lifecycle:project_new": {
        "GET": signed_in(200),
        # The form offers only teams one edits: ours is refused to the rest.
        "POST": {**signed_in(422), EDITOR: 302, OWNER: 302, SUPERUSER: 302},
    },
    "lifecycle:portfolio": {"GET": signed_in(200), "POST": everyone(405)},
    "lifecycle:portfolio_csv": {"GET": signed_in(200), "POST": everyone(405)},
    "lifecycle:portfolio_outcomes": {"GET": signed_in(200), "POST": everyone(405)},
    "lifecycle:portfolio_column": {"GET": signed_in(PARTIAL), "POST": everyone(405)},
    # A project's pages
    "lifecycle:project_detail": page(READ),
    "lifecycle:project_history": page(READ),
    "lifecycle:project_section": page(READ, get=PARTIAL),
    "lifecycle:project_blocker": form(OWN),
    "lifecycle:details_edit": form(EDIT),
    "lifecycle:charter_edit": form(EDIT),
    "lifecycle:stop_rule_edit": form(EDIT),
    "lifecycle:criterion_new": form(EDIT),
    "lifecycle:criterion_edit": form(EDIT),
    "lifecycle:criterion_delete": action(EDIT),
    "lifecycle:risk_new": form(EDIT),
    "lifecycle:risk_edit": form(EDIT),
    "lifecycle:risk_delete": action(EDIT),
    "lifecycle:stage_edit": form(EDIT),
    "lifecycle:exit_criterion_add": action(EDIT),
    "lifecycle:exit_criterion_toggle": action(EDIT),
    "lifecycle:exit_criterion_delete": action(EDIT),
    "lifecycle:project_move": form(EDIT),
    # Shipping needs a project in Monitoring, reopening an ended one: ours is neither (422).
    "lifecycle:project_ship": form(OWN, saved=422),
    "lifecycle:project_stop": form(OWN),
    "lifecycle:project_reopen": form(OWN, saved=422),
    # The experiment log
    "lifecycle:project_log": page(READ),
    "lifecycle:log_week": page(READ, get=PARTIAL),
    "lifecycle:experiment_new": form(EDIT),
    "lifecycle:week_review_edit": form(EDIT),
    "lifecycle:experiment_edit": form(EDIT),
    "lifecycle:experiment_move": action(EDIT),
    "lifecycle:reading_add": form(EDIT),
    # Monitoring
    "lifecycle:monitoring": page(READ),
    "lifecycle:monitoring_plan": form(EDIT),
    "lifecycle:watch_new": form(EDIT),
    "lifecycle:watch_edit": form(EDIT),
    "lifecycle:watch_delete": action(EDIT),
    "lifecycle:alert_acknowledge": action(EDIT),
    "lifecycle:alert_resolve": action(EDIT),
    # Digests: previews, subscriptions, and the signed unsubscribe link anyone may follow
    "lifecycle:digest_manager": {
        "GET": {**signed_in(403), MANAGER: 200, SUPERUSER: 200},
        "POST": everyone(405),
    },
    "lifecycle:digest_member": {"GET": signed_in(200), "POST": everyone(405)},
    "lifecycle:digest_project": page(READ),
    "lifecycle:digest_subscribe": action(EDIT),  # adding someone else by email
    "lifecycle:digest_project_unsubscribe": action(EDIT),  # removing someone else
    "lifecycle:digest_preferences": {"GET": everyone(405), "POST": signed_in(302)},
    "lifecycle:digest_unsubscribe": {"GET": everyone(200), "POST": everyone(200)},
    # Demos: the team's pages
    "demos:demo_list": page(READ),
    "demos:demo_new": form(EDIT),
    "demos:project_demos_card": page(READ, get=PARTIAL),
    "demos:demo_detail": page(READ),
    "demos:demo_edit": action(EDIT),
    "demos:demo_section": page(READ, get=PARTIAL),
    "demos:dataset_upload": action(EDIT),
    "demos:upload_job": page(READ),
    "demos:scale_edit": page(EDIT, get=PARTIAL, post=302),
    "demos:scale_preview": action(EDIT, done=200),
    "demos:agreement_record": action(EDIT),
    "demos:share_link_new": action(EDIT),
    "demos:share_link_revoke": action(EDIT),
    "demos:compare": page(READ),
    "demos:dataset_live": action(EDIT),
    # The stakeholder view: for signed-in readers, who also judge examples...
    "demos:demo_view": page(READ),
    "demos:example_feedback": action(READ),
    # ...and through a share link, without an account
    "demos:shared_demo": {"GET": through_link(valid=200), "POST": everyone(405)},
    "demos:shared_feedback": {"GET": everyone(405), "POST": through_link(valid=302)},
}


def on_api_project(need: int, ok) -> dict:
    """An API operation on our project: no token is 401 (share links are no token either)."""
    return on_project(need, ok, anonymous=401)


API_EXPECTED: dict[str, dict] = {
    "GET /api/v1/projects": signed_in(200, anonymous=401),
    "GET /api/v1/projects/{slug}": on_api_project(READ, 200),
    "PATCH /api/v1/projects/{slug}": on_api_project(EDIT, 200),
    "POST /api/v1/projects/{slug}/experiments": on_api_project(EDIT, 201),
    "POST /api/v1/projects/{slug}/readings": on_api_project(EDIT, 201),
    "POST /api/v1/projects/{slug}/demos": on_api_project(EDIT, 201),
    "POST /api/v1/demos/{demo_id}/datasets": on_api_project(EDIT, 202),
    "GET /api/v1/jobs/{job_id}": on_api_project(READ, 200),
    "PUT /api/v1/demos/{demo_id}/datasets/{dataset_id}/live": on_api_project(EDIT, 200),
    "DELETE /api/v1/demos/{demo_id}/datasets/{dataset_id}/live": on_api_project(EDIT, 200),
}
