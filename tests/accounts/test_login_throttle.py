"""Failed logins are throttled by django-axes: per account and per address, each its own lock,
shown on our login page with how long it lasts."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.client_ip import client_ip
from accounts.views.login_lock import duration_words
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
ACCOUNT_LOCKED = "Too many failed attempts for this account. Try again in 15 minutes."
ADDRESS_LOCKED = "Too many failed attempts for your network address. Try again in 15 minutes."


def log_in(username, password, address, client=None):
    client = client or Client()
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response, client


def fail(username, times, address=ATTACKER):
    return [log_in(username, "wrong-password", address)[0] for _ in range(times)]


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_production_limit_is_five_failures_and_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    # Two separate locks, not one on the pair (which a new address would get around).
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_four_failures_are_told_the_password_is_wrong_and_the_fifth_locks(owner):
    answers = fail("olivia", 5)
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
    assert "Please enter a correct username and password" in answers[0].content.decode()
    assert ACCOUNT_LOCKED in answers[4].content.decode()


def test_the_lock_is_our_login_page_with_the_message_and_retry_after(owner):
    *_, locked = fail("olivia", 5)
    page = locked.content.decode()
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert locked["Content-Type"].startswith("text/html")
    assert "Log in to Waypoint" in page and 'name="password"' in page  # the page, not axes' text
    assert f'<div class="form-errors" role="alert"><p>{ACCOUNT_LOCKED}</p></div>' in page
    assert 'value="olivia"' in page  # the username stays filled in
    assert "script-src 'self'" in locked["Content-Security-Policy"]


def test_a_locked_account_refuses_even_its_correct_password_from_another_address(owner):
    fail("olivia", 5)
    response, client = log_in("olivia", PASSWORD, ELSEWHERE)
    assert response.status_code == 429
    assert ACCOUNT_LOCKED in response.content.decode()
    assert not logged_in(client)


def test_another_account_still_logs_in_from_another_address(owner, editor):
    fail("olivia", 5)
    response, client = log_in("eddie", PASSWORD, ELSEWHERE)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_address_that_failed_is_locked_for_every_account(owner, editor):
    fail("olivia", 5)
    response, client = log_in("eddie", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert ADDRESS_LOCKED in response.content.decode()
    assert not logged_in(client)


def test_guessing_many_accounts_from_one_address_locks_the_address(owner, editor, viewer):
    answers = [log_in(name, "wrong", ATTACKER)[0] for name in ["olivia", "eddie", "vera"] * 2]
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429, 429]
    assert ADDRESS_LOCKED in answers[4].content.decode()
    # No account reached the limit: each still logs in from elsewhere.
    assert log_in("vera", PASSWORD, ELSEWHERE)[0].status_code == 302


def test_after_the_cool_off_the_correct_password_logs_in(owner):
    fail("olivia", 5)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14), tick=False):
        assert log_in("olivia", PASSWORD, ATTACKER)[0].status_code == 429
    # That attempt started the wait again: 15 minutes from it, not from the fifth failure.
    later = timezone.now() + datetime.timedelta(minutes=14 + 15, seconds=1)
    with time_machine.travel(later, tick=False):
        response, client = log_in("olivia", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_successful_login_clears_the_accounts_failures(owner):
    fail("olivia", 4)
    assert log_in("olivia", PASSWORD, ELSEWHERE)[0].status_code == 302
    answers = fail("olivia", 4, address=ELSEWHERE)
    assert [r.status_code for r in answers] == [200] * 4


def test_logging_in_to_ones_own_account_does_not_clear_the_address(owner, editor):
    # The reason AXES_RESET_ON_SUCCESS stays off: guesses at olivia's password from one address,
    # with a login to the guesser's own account between them, still reach the lock.
    fail("olivia", 3)
    assert log_in("eddie", PASSWORD, ATTACKER)[0].status_code == 302
    answers = fail("olivia", 2)
    assert answers[-1].status_code == 429


def test_the_admin_login_is_throttled_too(owner):
    owner.is_staff = True
    owner.save()
    for _ in range(5):
        response = Client().post(
            "/admin/login/", {"username": "olivia", "password": "wrong"}, REMOTE_ADDR=ATTACKER
        )
    assert response.status_code == 429
    assert ACCOUNT_LOCKED in response.content.decode()


def test_a_lock_page_keeps_a_safe_next_and_drops_another_sites(owner):
    for _ in range(5):
        response = Client().post(
            reverse("login"),
            {"username": "olivia", "password": "wrong", "next": "https://evil.example/"},
            REMOTE_ADDR=ATTACKER,
        )
    assert "evil.example" not in response.content.decode()
    response = Client().post(
        reverse("login"),
        {"username": "olivia", "password": "wrong", "next": "/projects/"},
        REMOTE_ADDR=ATTACKER,
    )
    assert 'name="next" value="/projects/"' in response.content.decode()


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(15, "15 minutes"), (1, "1 minute"), (60, "1 hour"), (120, "2 hours"), (1.5, "2 minutes")],
)
def test_the_lock_says_its_duration_in_words(minutes, words):
    assert duration_words(datetime.timedelta(minutes=minutes)) == words


def test_a_longer_cool_off_is_what_the_page_says(settings, owner):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
    *_, locked = fail("olivia", 5)
    assert "Try again in 1 hour." in locked.content.decode()
    assert locked["Retry-After"] == "3600"


# The address ------------------------------------------------------------------------------------


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_address_is_the_peers_and_x_forwarded_for_is_ignored():
    assert client_ip(request_from("192.0.2.1", "10.9.9.9")) == "192.0.2.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw():
    assert client_ip(request_from("10.0.0.2", "192.0.2.1")) == "192.0.2.1"
    # A client that sends its own X-Forwarded-For cannot choose its address: the proxy appends.
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 192.0.2.1")) == "192.0.2.1"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_address_is_the_one_the_outer_proxy_saw():
    assert client_ip(request_from("10.0.0.3", "1.2.3.4, 192.0.2.1, 10.0.0.2")) == "192.0.2.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_proxy_that_sent_nothing_usable_leaves_the_peers_address():
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2", "not-an-address")) is None


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_logins_are_locked_per_client_not_for_everyone(owner, editor):
    for _ in range(5):
        Client().post(
            reverse("login"),
            {"username": "olivia", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )
    response = Client().post(
        reverse("login"),
        {"username": "eddie", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    assert response.status_code == 302
