import pytest

from demos.services import demo_create


@pytest.fixture
def demo(project, owner):
    return demo_create(project=project, title="Which tickets are urgent?", by=owner)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
