import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_with_good_credentials_lands_on_the_projects(client, owner):
    response = client.post(reverse("login"), {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("lifecycle:home")


def test_login_with_a_wrong_password_says_so(client, owner):
    response = client.post(reverse("login"), {"username": "olivia", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_is_a_post(client, owner):
    client.force_login(owner)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("lifecycle:home")).status_code == 302


def test_password_reset_sends_a_link(client, owner):
    owner.email = "olivia@example.com"
    owner.save()
    response = client.post(reverse("password_reset"), {"email": "olivia@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_change_needs_the_old_password(client, owner):
    client.force_login(owner)
    url = reverse("password_change")
    response = client.post(
        url, {"old_password": "wrong", "new_password1": "a-Long-new-pw-42", "new_password2": "a"}
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a-Long-new-pw-42",
            "new_password2": "a-Long-new-pw-42",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a-Long-new-pw-42")


def test_pages_send_a_strict_content_security_policy(client, owner):
    client.force_login(owner)
    policy = client.get(reverse("lifecycle:home"))["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_every_model_is_in_the_admin():
    from django.apps import apps
    from django.contrib import admin

    our_apps = ("accounts", "lifecycle", "api", "demos")
    ours = [m for m in apps.get_models() if m._meta.app_label in our_apps]
    missing = [
        m.__name__
        for m in ours
        if m not in admin.site._registry and not m.__name__.startswith("Historical")
    ]
    assert missing == []


def test_admin_opens_for_a_superuser(admin_client):
    for url in ["/admin/", "/admin/lifecycle/project/", "/admin/accounts/team/"]:
        assert admin_client.get(url).status_code == 200
