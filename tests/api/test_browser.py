"""The API docs and the profile page in a real Chromium, under the strict CSP."""

import pytest
from playwright.sync_api import expect

from api.models import ApiToken
from api.services import api_token_create

pytestmark = pytest.mark.browser


def test_the_docs_render_and_try_an_endpoint_without_csp_errors(page, owner, project):
    _, secret = api_token_create(user=owner, name="docs")
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/api/v1/docs")
    expect(page.locator(".opblock-summary-path").first).to_have_text("/api/v1/projects")
    expect(page.locator(".opblock-summary-path")).to_have_count(10)

    page.get_by_role("button", name="Authorize").click()
    page.get_by_label("auth-bearer-value").fill(secret)
    page.get_by_role("button", name="Apply credentials").click()
    page.locator(".auth-btn-wrapper .btn-done").click()

    operation = page.locator("#operations-projects-api_projects_project_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda r: "/api/v1/projects?" in r.url) as listed:
        operation.get_by_role("button", name="Execute").click()
    assert listed.value.status == 200
    server_response = operation.locator(".live-responses-table")
    expect(server_response).to_contain_text("200")
    expect(server_response).to_contain_text(project.slug)

    origin = page.url.split("/api/")[0]
    assert all(url.startswith(origin) or url.startswith("data:") for url in requests), requests


def test_a_token_is_created_and_revoked_in_place(page, login, owner):
    login(owner)
    page.goto("/accounts/profile/")
    page.wait_for_function("window.htmx !== undefined")
    url = page.url

    page.get_by_label("Name").fill("training laptop")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("wp_")
    assert page.url == url
    token = ApiToken.objects.get(user=owner)
    expect(page.locator(f"#token-{token.pk}")).to_contain_text("training laptop")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#token-{token.pk}").get_by_role("button", name="Revoke").click()
    expect(page.locator(f"#token-{token.pk}")).to_contain_text("revoked")
    expect(page.locator("#new-token")).to_have_count(0)
    token.refresh_from_db()
    assert token.is_revoked
