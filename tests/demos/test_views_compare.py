"""Comparing two model versions on the examples both have."""

import pytest
from django.urls import reverse

from tests.factories import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(demo):
    # Bands: Strong match ≥ 0.8, Possible ≥ 0.5, Unlikely below. Ids t1…t5 / t1…t6.
    before = make_dataset(demo, [0.9, 0.6, 0.3, 0.85, 0.1], version="v1")
    after = make_dataset(demo, [0.95, 0.9, 0.55, 0.4, 0.2, 0.99], version="v2")
    return before, after


def compare(client, demo, before, after, **extra):
    url = reverse("demos:compare", args=[demo.project.slug, demo.pk])
    params = {"a": before.pk, "b": after.pk, **extra}
    return client.get(url, params)


def test_counts_per_label_before_and_after(client, demo, viewer, versions):
    client.force_login(viewer)
    response = compare(client, demo, *versions)
    comparison = response.context["comparison"]
    assert comparison.matrix == [
        [1, 0, 1],  # Strong match (t1 stays, t4 → Unlikely)
        [1, 0, 0],  # Possible (t2 → Strong match)
        [0, 1, 1],  # Unlikely (t3 → Possible, t5 stays)
    ]
    assert (comparison.shared, comparison.changed, comparison.only_after) == (5, 3, 1)
    html = response.content.decode()
    assert "<strong>3</strong> (60 %) got a different label" in html


def test_lists_the_examples_whose_label_changed(client, demo, viewer, versions):
    client.force_login(viewer)
    response = compare(client, demo, *versions)
    changes = [(c.example.external_id, c.before, c.after) for c in response.context["changes"]]
    assert changes == [
        ("t2", "Possible", "Strong match"),
        ("t3", "Unlikely", "Possible"),
        ("t4", "Strong match", "Unlikely"),
    ]


def test_changed_examples_are_paginated(client, demo, viewer):
    before = make_dataset(demo, [0.9] * 45, version="v1")
    after = make_dataset(demo, [0.1] * 45, version="v2")
    client.force_login(viewer)
    last = compare(client, demo, before, after, page=3)
    assert (last.context["pages"], len(last.context["changes"])) == (3, 5)
    assert last.context["previous_url"] and not last.context["next_url"]


def test_one_version_asks_for_a_second(client, demo, viewer):
    make_dataset(demo, [0.9])
    client.force_login(viewer)
    response = client.get(reverse("demos:compare", args=[demo.project.slug, demo.pk]))
    assert "upload a second one first" in response.content.decode()


def test_datasets_of_another_demo_cannot_be_compared(client, demo, viewer, owner, project):
    from demos.services import demo_create

    mine = make_dataset(demo, [0.9], version="v1")
    other = make_dataset(demo_create(project=project, title="Other", by=owner), [0.1])
    client.force_login(viewer)
    response = compare(client, demo, mine, other)
    assert "comparison" not in response.context
