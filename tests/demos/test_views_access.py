"""Demo pages scoped by their URL: an object of another demo or project of the same team is not
found there, and a refused change changes nothing.

Who may use each route (anonymous, outsiders, each role, share links) is in the access matrix:
tests/access_expectations.py, run by tests/test_access_matrix.py.
"""

import pytest
from django.urls import reverse

from demos.services import share_link_create
from tests.factories import SCALE, make_upload_job


@pytest.mark.django_db
def test_a_demo_of_another_project_is_not_found_under_this_one(client, demo, owner, team):
    from tests.factories import make_project

    other = make_project(team, owner, name="Other project")
    client.force_login(owner)
    url = reverse("demos:demo_detail", args=[other.slug, demo.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_job_of_another_demo_is_not_found(client, demo, owner, project):
    from demos.services import demo_create

    other = demo_create(project=project, title="Other", by=owner)
    job = make_upload_job(other)
    client.force_login(owner)
    url = reverse("demos:upload_job", args=[project.slug, demo.pk, job.pk])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


@pytest.mark.django_db
def test_a_link_of_another_demo_cannot_be_revoked_here(client, demo, owner, project):
    from demos.services import demo_create

    other = demo_create(project=project, title="Other", by=owner)
    link = share_link_create(demo=other, by=owner)
    client.force_login(owner)
    url = reverse("demos:share_link_revoke", args=[project.slug, demo.pk, link.pk])
    assert client.post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.django_db
def test_a_viewers_change_changes_nothing(client, demo, viewer):
    client.force_login(viewer)
    url = reverse("demos:scale_edit", args=[demo.project.slug, demo.pk])
    client.post(url, {**SCALE, "op": "save"})
    assert demo.scales.count() == 1
