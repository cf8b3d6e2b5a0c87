"""The profile page: create a token (shown once) and revoke it, in place or by plain post."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_create

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def test_the_profile_needs_a_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_user_menu_links_to_the_profile(client, owner):
    client.force_login(owner)
    page = client.get(reverse("lifecycle:home")).content.decode()
    assert f'href="{PROFILE}">Profile and API tokens</a>' in page


def test_creating_a_token_shows_it_once(client, owner, project):
    client.force_login(owner)
    response = client.post(reverse("accounts:token_create"), {"name": "training laptop"})
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=owner)
    secret = response.context["new_secret"]
    page = response.content.decode()
    assert secret in page and "shown only this once" in page
    assert ApiClient(secret).get("/api/v1/projects").status_code == 200

    again = client.get(PROFILE).content.decode()
    assert secret not in again
    assert "training laptop" in again and f"{token.prefix}…" in again


def test_creating_a_token_with_htmx_answers_the_tokens_section(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("accounts:token_create"), {"name": "notebook"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 201
    assert page.lstrip().startswith('<section class="card" id="tokens"')
    assert "<html" not in page
    assert response.context["new_secret"] in page


def test_a_token_needs_a_name(client, owner):
    client.force_login(owner)
    response = client.post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_the_users_own_tokens(client, owner, editor):
    api_token_create(user=owner, name="olivias script")
    api_token_create(user=editor, name="eddies script")
    client.force_login(owner)
    page = client.get(PROFILE).content.decode()
    assert "olivias script" in page
    assert "eddies script" not in page


def test_revoking_a_token_stops_it(client, owner, project):
    token, secret = api_token_create(user=owner, name="old")
    client.force_login(owner)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked
    assert ApiClient(secret).get("/api/v1/projects").status_code == 401
    assert "revoked" in client.get(PROFILE).content.decode()


def test_revoking_with_htmx_answers_the_tokens_section(client, owner):
    token, _ = api_token_create(user=owner, name="old")
    client.force_login(owner)
    response = client.post(
        reverse("accounts:token_revoke", args=[token.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="tokens"' in response.content.decode()
    token.refresh_from_db()
    assert token.is_revoked


def test_nobody_revokes_someone_elses_token(client, owner, editor):
    token, secret = api_token_create(user=owner, name="mine")
    client.force_login(editor)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked


def test_revoking_is_a_post(client, owner):
    token, _ = api_token_create(user=owner, name="mine")
    client.force_login(owner)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
