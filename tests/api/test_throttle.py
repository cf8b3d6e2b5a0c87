"""Bad API tokens are throttled by address the way failed logins are: after the limit, that
address gets 429 with Retry-After and a JSON message; other addresses go on as before."""

import datetime
import os
import uuid

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

import config.settings as production
from api.auth import TokenAuth
from api.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects"
SCRIPT = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def production_limit(settings):
    """tests/conftest.py raises the limit for the rest of the suite; here it is the real one."""
    settings.API_TOKEN_FAILURE_LIMIT = production.API_TOKEN_FAILURE_LIMIT


def get(token, address, path=PROJECTS):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return Client().get(path, headers=headers, REMOTE_ADDR=address)


def bad_tokens(times, address=SCRIPT):
    return [get(f"wp_guess-{n}", address) for n in range(times)]


@pytest.fixture
def secret(owner, project):
    return api_token_create(user=owner, name="training box")[1]


def test_the_limit_is_the_logins_five_in_fifteen_minutes():
    assert production.API_TOKEN_FAILURE_LIMIT == production.AXES_FAILURE_LIMIT == 5
    assert production.API_TOKEN_COOLOFF_TIME == production.AXES_COOLOFF_TIME


def test_the_fifth_bad_token_from_an_address_is_a_429_with_retry_after(project):
    answers = bad_tokens(5)
    assert [r.status_code for r in answers] == [401, 401, 401, 401, 429]
    locked = answers[-1]
    assert locked["Retry-After"] == "900"
    assert locked["Content-Type"].startswith("application/json")
    assert locked.json() == {
        "detail": "Too many requests with an API token that is not valid came from your "
        "address: try again in 15 minutes. Check that the token was copied whole, or create a "
        "new one on your profile page (/accounts/profile/)."
    }


def test_a_locked_address_is_refused_even_a_valid_token(secret):
    bad_tokens(5)
    response = get(secret, SCRIPT)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 900


def test_a_valid_token_from_another_address_is_unaffected(secret, project):
    bad_tokens(5)
    response = get(secret, ELSEWHERE)
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["items"]] == [project.slug]
    # ...and that address's own bad tokens are counted from zero.
    assert get("wp_guess", ELSEWHERE).status_code == 401


def test_the_lock_lifts_after_the_cool_off(secret):
    bad_tokens(5)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14), tick=False):
        assert get(secret, SCRIPT).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=15, seconds=1)):
        assert get(secret, SCRIPT).status_code == 200


def test_requests_without_a_token_are_not_counted_as_guesses(secret):
    answers = [get(None, SCRIPT) for _ in range(8)]
    assert {r.status_code for r in answers} == {401}
    assert get(secret, SCRIPT).status_code == 200


def test_a_revoked_token_sent_again_and_again_is_a_401_not_a_lock(owner, secret):
    token, old = api_token_create(user=owner, name="old laptop")
    api_token_revoke(token=token)
    answers = [get(old, SCRIPT) for _ in range(8)]
    assert {r.status_code for r in answers} == {401}
    assert "revoked" in answers[-1].json()["detail"]
    assert get(secret, SCRIPT).status_code == 200


def test_the_throttle_adds_no_query_to_authenticating(secret, owner, django_assert_num_queries):
    bad_tokens(3, address=ELSEWHERE)  # counts exist, for another address
    request = RequestFactory().get(PROJECTS, REMOTE_ADDR=SCRIPT)
    TokenAuth().authenticate(request, secret)  # first use recorded
    with django_assert_num_queries(1):  # the token with its user; the throttle reads the cache
        assert TokenAuth().authenticate(request, secret) == owner


def test_the_counts_work_in_a_shared_redis_cache_too(settings):
    """Production can share the counts between web processes (CACHE_URL=redis://...)."""
    from api.throttle import api_token_failure_record, api_token_retry_after

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],  # the suite's own Redis (make test)
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
        }
    }
    assert [api_token_failure_record(SCRIPT) for _ in range(5)] == [0, 0, 0, 0, 900]
    assert 890 < api_token_retry_after(SCRIPT) <= 900
    assert api_token_retry_after(ELSEWHERE) == 0
