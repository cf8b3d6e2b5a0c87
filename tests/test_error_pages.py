"""The error pages say what happened and what to do next, in the app's look, never a traceback
(config/errors.py, templates/403.html, 404.html, 403_csrf.html, 400.html, 500.html). As in
production, DEBUG is off."""

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse

from demos.models import Feedback
from tests.factories import make_dataset, make_demo, make_share_link

NAVIGATION = 'aria-label="Main"'


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_missing_page_says_so_and_leads_back_to_the_projects(owner):
    response = signed_in(owner).get("/projects/no-such-project/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We could not find that page" in body
    assert "a team owner can add you" in body
    assert f'href="{reverse("lifecycle:home")}"' in body and "Go to your projects" in body
    assert NAVIGATION in body  # a member keeps the app's navigation
    assert "Traceback" not in body


def test_a_missing_page_offers_a_visitor_without_an_account_to_sign_in(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We could not find that page" in body
    assert f'href="{reverse("login")}"' in body and "Sign in" in body
    assert NAVIGATION not in body


def test_a_missing_page_under_a_share_link_keeps_the_demos_frame(client, project, owner):
    link = make_share_link(make_demo(project, owner), owner)
    response = client.get(f"/d/{link.token}/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "This demo page is not here" in body
    assert "Ask the person who sent you the link for a new one." in body
    # Nothing leads a stakeholder without an account into the app or to a sign-in page.
    assert NAVIGATION not in body
    assert reverse("login") not in body
    assert f'href="{reverse("lifecycle:home")}"' not in body
    assert 'name="robots" content="noindex, nofollow"' in body  # demos/public_base.html


def test_a_missing_example_under_a_share_link_keeps_the_demos_frame_for_a_member(project, owner):
    demo = make_demo(project, owner)
    make_dataset(demo, [0.9])
    link = make_share_link(demo, owner)
    url = reverse("demos:shared_feedback", args=[link.token, 999_999])
    response = signed_in(owner).post(url, {"verdict": "agree"})
    assert response.status_code == 404
    body = response.content.decode()
    assert "This demo page is not here" in body
    assert NAVIGATION not in body
    assert not Feedback.objects.exists()


def test_a_refusal_says_why_and_who_can_grant_access(project, viewer):
    response = signed_in(viewer).post(
        reverse("lifecycle:risk_new", args=[project.slug]), {"title": "A risk"}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "You do not have access to do that" in body
    assert "Your role on this project does not allow that change." in body
    assert "A team owner can give you access" in body
    assert f'href="{reverse("teams:list")}"' in body
    assert NAVIGATION in body


def test_a_form_sent_without_its_csrf_token_says_to_reload_and_send_again(project, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("lifecycle:risk_new", args=[project.slug]), {"title": "A"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form could not be sent" in body
    assert "Nothing was saved" in body
    assert "reload the page and send it again" in body
    assert "CSRF verification failed" not in body  # Django's page, for developers
    assert not project.risks.exists()


def test_a_stakeholders_answer_sent_without_its_csrf_token_keeps_the_demos_frame(project, owner):
    demo = make_demo(project, owner)
    example = make_dataset(demo, [0.9]).examples.get()
    link = make_share_link(demo, owner)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("demos:shared_feedback", args=[link.token, example.pk]), {"verdict": "agree"}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form could not be sent" in body
    assert NAVIGATION not in body and reverse("login") not in body
    assert not Feedback.objects.exists()


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_apologises_without_showing_the_error(client, db):
    client.raise_request_exception = False
    response = client.get("/tests/explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "Go back and try again in a minute." in body
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert "css/waypoint.css" in body  # the app's look


def test_the_server_error_page_renders_with_no_request_and_no_database():
    # Django renders 500.html with no context; no `db` fixture here: a query would fail the test.
    body = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in body
    assert f'href="{reverse("lifecycle:home")}"' in body


@pytest.mark.urls("tests.error_urls")
def test_a_bad_request_says_nothing_was_changed(client, db):
    response = client.get("/tests/suspicious/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Waypoint could not understand that request" in body
    assert "nothing was changed" in body
    assert "tampered" not in body


def test_a_request_for_another_host_gets_the_bad_request_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Waypoint could not understand that request" in response.content.decode()


def test_the_bad_request_page_renders_with_no_request_and_no_database():
    body = loader.get_template("400.html").render()
    assert "Waypoint could not understand that request" in body
