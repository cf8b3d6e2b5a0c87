"""Personal API tokens: stored hashed, sent as a bearer token, the only way into the API."""

import datetime
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.utils import timezone
from ninja.errors import AuthenticationError

from api.auth import TokenAuth
from api.models import ApiToken
from api.selectors import api_token_use
from api.services import api_token_create, api_token_revoke

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects"


def test_a_token_is_stored_only_as_a_hash_with_a_short_visible_prefix(owner):
    token, secret = api_token_create(user=owner, name="laptop")
    assert secret.startswith("wp_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:10]
    assert secret not in {f.value_from_object(stored) for f in ApiToken._meta.fields}


def test_each_token_is_different(owner):
    assert api_token_create(user=owner, name="a")[1] != api_token_create(user=owner, name="a")[1]


def test_a_bearer_token_authenticates(api_as, owner, project):
    response = api_as(owner).get(PROJECTS)
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["items"]] == [project.slug]


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic b2xpdmlhOnB3", "Token wp_x", "Bearer wp_not-a-token"],
)
def test_a_missing_or_bad_token_is_a_401_that_says_what_to_send(header, project):
    headers = {"Authorization": header} if header is not None else {}
    response = Client().get(PROJECTS, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.json()["detail"] or "not valid" in response.json()["detail"]


def test_a_revoked_token_is_a_401_that_says_it_was_revoked(owner, project):
    token, secret = api_token_create(user=owner, name="old")
    api_token_revoke(token=token)
    response = ApiClient(secret).get(PROJECTS)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_token_revoked_while_in_use_is_refused_on_its_very_next_request(owner, project):
    token, secret = api_token_create(user=owner, name="notebook")
    api = ApiClient(secret)
    assert api.get(PROJECTS).status_code == 200
    api_token_revoke(token=token)
    response = api.get(PROJECTS)
    assert response.status_code == 401
    assert f"({token.prefix}…) was revoked" in response.json()["detail"]


def test_finding_a_token_is_one_query_that_brings_its_whole_user(owner, django_assert_num_queries):
    _, secret = api_token_create(user=owner, name="t")
    with django_assert_num_queries(1):
        found = api_token_use(secret, since=timezone.now())
        # The API hands the user to the same code as the pages: nothing of it is left to load.
        assert found.user.get_deferred_fields() == set()
        assert (found.user.pk, found.user.username, found.user.is_active) == (
            owner.pk,
            "olivia",
            True,
        )
    assert api_token_use(secret + "x", since=timezone.now()) is None


def test_authenticating_costs_one_query_and_a_write_at_most_once_a_minute(
    owner, django_assert_num_queries
):
    token, secret = api_token_create(user=owner, name="t")
    request = RequestFactory().get(PROJECTS)
    with django_assert_num_queries(2):  # the token, and its first use recorded
        assert TokenAuth().authenticate(request, secret) == owner
    with django_assert_num_queries(1):
        assert TokenAuth().authenticate(request, secret) == owner
    api_token_revoke(token=token)
    with django_assert_num_queries(1), pytest.raises(AuthenticationError, match="revoked"):
        TokenAuth().authenticate(request, secret)


def test_the_token_of_an_inactive_user_is_a_401(owner, project):
    _, secret = api_token_create(user=owner, name="t")
    owner.is_active = False
    owner.save()
    assert ApiToken.objects.filter(user=owner).exists()
    assert ApiClient(secret).get(PROJECTS).status_code == 401


def test_a_logged_in_session_does_not_open_the_api(client, owner, project):
    client.force_login(owner)
    assert client.get(PROJECTS).status_code == 401


def test_writes_with_a_token_need_no_csrf_token(owner, project, recall):
    _, secret = api_token_create(user=owner, name="t")
    api = ApiClient(secret, client=Client(enforce_csrf_checks=True))
    response = api.post(f"{PROJECTS}/{project.slug}/readings", {"readings": []})
    assert response.status_code == 201


def test_last_used_is_recorded_at_most_once_a_minute(owner, project):
    token, secret = api_token_create(user=owner, name="t")
    api = ApiClient(secret)
    api.get(PROJECTS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    api.get(PROJECTS)
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    api.get(PROJECTS)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_the_command_prints_a_working_token(capsys, owner, project):
    call_command("api_token", "olivia", "--name", "training box")
    out, err = capsys.readouterr()
    secret = out.strip()
    assert secret.startswith("wp_")
    assert "shown" in err
    assert ApiToken.objects.get(user=owner).name == "training box"
    assert ApiClient(secret).get(PROJECTS).status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match='No user "nobody"'):
        call_command("api_token", "nobody")
    assert not ApiToken.objects.exists()


def test_the_admin_lists_tokens_and_idempotency_records(admin_client, owner):
    api_token_create(user=owner, name="laptop")
    for path in ["/admin/api/apitoken/", "/admin/api/idempotencyrecord/"]:
        assert admin_client.get(path).status_code == 200
