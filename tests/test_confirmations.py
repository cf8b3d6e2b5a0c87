"""Nothing is deleted, removed or revoked by one stray click: every destructive action asks first.

The rule, read from the templates: a POST form, or an element with hx-post, hx-put, hx-patch or
hx-delete, is destructive when the URL it sends to is named for destroying something (WORDS),
when a button says so in its label, or when a button is styled `danger`. Each one asks:
- `hx-confirm` (htmx asks) on it or on its button (a plain form is boosted, hx-boost, so that
  htmx sends it and asks first), or
- `confirm-step`: the form is itself the question, on a page or in a row reached by a link, with
  a Cancel beside it (removing a team member, stopping a project, unsubscribing from an email).
The URLconf is walked too, so a new destructive route cannot appear without a confirmed form.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.template_walk import Element, page_templates, read

WORDS = "delete|remove|revoke|archive|unsubscribe|leave|stop|discard|replace|unmark|destroy|purge"
# Said in a button's label ("Stop watching", "Remove Nina"), or as the verb a route is named by,
# its last word ("risk_delete", "token_revoke"; not "stop_rule_edit").
IN_LABEL = re.compile(rf"\b({WORDS})\b", re.IGNORECASE)
ROUTE_VERB = re.compile(rf"(^|_)({WORDS})$")
WRITES = ("hx-post", "hx-put", "hx-patch", "hx-delete")

# Destructive in words but nothing is lost, each with its reason.
NOT_DESTRUCTIVE = {
    ("demos/demo_detail.html", "demos:scale_edit"): (
        "“Remove band” takes a band out of the rating scale being edited; nothing is stored "
        "until “Save as version n”, and the saved versions stay"
    ),
}
# Destructive routes whose form posts to its own page: that page (a GET) is the question.
QUESTION_PAGES = {
    "lifecycle:project_stop": "lifecycle/decision.html",
    "lifecycle:digest_unsubscribe": "lifecycle/digests/unsubscribe_confirm.html",
}
NOT_PAGES = ("admin", "api")  # the admin asks in its own way; the API has no buttons


def _is_write(element: Element) -> bool:
    if element.tag == "form" and element.attrs.get("method", "").lower() == "post":
        return True
    return any(verb in element.attrs for verb in WRITES)


def _destroys(route_name: str) -> bool:
    return bool(ROUTE_VERB.search(route_name.split(":")[-1]))


def _is_destructive(element: Element) -> bool:
    if any(_destroys(name) for name in element.url_names()):
        return True
    pressed = [*element.buttons, element] if element.tag != "form" else element.buttons
    return (
        any("danger" in button.classes or IN_LABEL.search(button.label) for button in pressed)
        or "danger" in element.classes
    )


def _asks(element: Element) -> bool:
    if "hx-confirm" in element.attrs:
        return True
    if "confirm-step" in element.classes.split():
        return True
    return any("hx-confirm" in button.attrs for button in element.buttons)


def _actions() -> list[Element]:
    found = []
    for template in page_templates():
        reader = read(template)
        found += reader.forms + [element for element in reader.hx if element.tag != "form"]
    return [element for element in found if _is_write(element)]


def _exempt(element: Element) -> bool:
    return any((element.template, name) in NOT_DESTRUCTIVE for name in element.url_names())


def test_every_destructive_form_or_htmx_action_asks_first():
    destructive = [a for a in _actions() if _is_destructive(a) and not _exempt(a)]
    unasked = [action.where() for action in destructive if not _asks(action)]
    assert not unasked, "These destroy something without asking first:\n" + "\n".join(unasked)


def test_the_rule_sees_the_destructive_actions_we_know():
    """The rule is not blind: it sees the deletes, removals and revocations we know."""
    seen = {name for action in _actions() if _is_destructive(action) for name in action.url_names()}
    assert {
        "lifecycle:risk_delete",
        "lifecycle:criterion_delete",
        "lifecycle:exit_criterion_delete",
        "lifecycle:watch_delete",
        "lifecycle:digest_project_unsubscribe",
        "demos:share_link_revoke",
        "accounts:token_revoke",
        "teams:member_remove",
        "teams:leave",
    } <= seen


def _route_names(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace)))
            names += _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(":".join(filter(None, (namespace, pattern.name))))
    return names


def test_every_destructive_route_is_reached_through_a_question():
    routes = [
        name
        for name in _route_names(get_resolver())
        if _destroys(name) and name.split(":")[0] not in NOT_PAGES
    ]
    assert len(routes) >= 9  # the walk found the routes (risk_delete, token_revoke, ...)
    asked = {name for action in _actions() if _asks(action) for name in action.url_names()}
    unasked = [name for name in routes if name not in asked and name not in QUESTION_PAGES]
    assert not unasked, f"Destructive routes no confirmed form sends to: {unasked}"


@pytest.mark.parametrize("route, template", QUESTION_PAGES.items())
def test_a_question_page_is_a_confirmation_step(route, template):
    forms = read(next(t for t in page_templates() if t.as_posix().endswith(template))).forms
    assert forms and all("confirm-step" in form.classes.split() for form in forms), route


def test_every_question_is_asked_by_htmx():
    """hx-confirm is htmx's: on an element htmx does not send (no hx-post…, no hx-boost) it
    would never be asked, and the form would go at the first click."""
    silent = [
        action.where()
        for action in _actions()
        if "hx-confirm" in action.attrs
        and not any(verb in action.attrs for verb in WRITES)
        and action.attrs.get("hx-boost") != "true"
    ]
    assert not silent
