"""Passwords are hashed with Argon2; hashes stored before (PBKDF2) still work and are rewritten
with Argon2 at the next login.

The rest of the suite uses a fast hasher (tests/conftest.py); these tests put the production
list back, read from the settings module itself."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

import config.settings as production
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_argon2_comes_first_and_pbkdf2_still_verifies():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS


def test_a_new_password_is_hashed_with_argon2(real_hashers):
    user = make_user("olivia")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_a_pbkdf2_hash_logs_in_and_is_upgraded_to_argon2(real_hashers, client):
    user = make_user("olivia")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post(reverse("login"), {"username": "olivia", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_alone(real_hashers, client):
    user = make_user("olivia")
    user.password = old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    client.post(reverse("login"), {"username": "olivia", "password": "wrong"})
    user.refresh_from_db()
    assert user.password == old
