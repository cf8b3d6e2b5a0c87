"""With Redis down, an upload from the demo page shows why it did not start, in the form."""

import pytest
from playwright.sync_api import expect

from config.celery import app
from config.jobs import QUEUE_DOWN
from demos.models import UploadJob
from demos.services import demo_create
from tests.browser_fixtures import PHONE
from tests.factories import make_dataset
from tests.own_redis import closed_port_url

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(project, owner):
    demo = demo_create(project=project, title="Which tickets are urgent?", by=owner)
    make_dataset(demo, [0.91, 0.55, 0.12])
    return demo


@pytest.fixture
def redis_down(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDIS_URL = closed_port_url()
    app.conf.task_always_eager = False  # as in production: jobs go to the broker


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["laptop", "phone"])
def test_the_upload_form_says_redis_is_down_and_keeps_nothing(
    open_page, login, demo, owner, redis_down, viewport, tmp_path
):
    login(owner)
    page = open_page(f"/projects/{demo.project.slug}/demos/{demo.pk}/")
    if viewport:
        page.set_viewport_size(viewport)
    form = page.locator("form.upload-form")
    form.get_by_label("Model version").fill("v2")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "outputs.csv", "mimeType": "text/csv",
                "buffer": b"id,score\nt1,0.9\nt2,0.1\n"}]
    )  # fmt: skip
    form.get_by_role("button", name="Upload and check").click()

    error = page.locator("#uploads .form-errors")
    expect(error).to_have_text(QUEUE_DOWN.format(what="upload"))
    expect(page.locator("#htmx-error")).to_be_hidden()  # the message is the form's, not a toast
    assert not UploadJob.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
