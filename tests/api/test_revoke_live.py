"""Revoking a token takes effect on its very next request, through the real server with the
app's connection reuse: the script's HTTP connection kept alive, the server's database
connection kept between requests (CONN_MAX_AGE), and nothing of the token cached."""

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_token_revoked_on_the_profile_page_fails_on_its_next_request(live_server, owner, project):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # connections are reused
    token, secret = api_token_create(user=owner, name="notebook")
    script = requests.Session()  # one kept-alive connection, as a training script has
    script.headers["Authorization"] = f"Bearer {secret}"
    url = f"{live_server.url}/api/v1/projects"
    for _ in range(3):
        assert script.get(url, timeout=10).status_code == 200

    browser = Client()
    browser.force_login(owner)
    revoked = browser.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert revoked.status_code in (200, 302)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None

    response = script.get(url, timeout=10)
    assert response.status_code == 401
    assert f"({token.prefix}…) was revoked" in response.json()["detail"]
    script.close()
