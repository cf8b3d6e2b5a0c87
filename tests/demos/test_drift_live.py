"""Live traffic: marking a dataset as served by a model version, the drift kept on its row, and
how the demo page and the compare page show it."""

import datetime

import numpy as np
import pytest
from django.urls import reverse

from demos.models import Dataset, Example
from demos.services import demo_create
from demos.services.live import (
    LiveError,
    dataset_drift_refresh,
    dataset_mark_live,
    dataset_unmark_live,
    reference_named,
)
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
RNG = np.random.default_rng(7)


@pytest.fixture
def served(demo):
    """Model v3 and, much later, what it scored in production (spread quite differently)."""
    return (
        make_dataset(demo, RNG.beta(2, 5, 400).tolist(), version="v3"),
        make_dataset(demo, RNG.beta(5, 2, 300).tolist(), version="prod-week-48"),
    )


def live_url(demo):
    return reverse("demos:dataset_live", args=[demo.project.slug, demo.pk])


def drift_fields(dataset):
    dataset.refresh_from_db()
    return (
        dataset.live_of_id,
        dataset.drift_psi,
        dataset.drift_level,
        dataset.drift_bins,
        dataset.drift_checked_at,
    )


# The service ---------------------------------------------------------------------------------


def test_marking_live_stores_the_drift_monitoring_reads(served):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference, at=AT)
    row = Dataset.objects.get(live_of__isnull=False, drift_psi__isnull=False)
    assert (row.pk, row.live_of.model_version, row.demo.project_id) == (
        live.pk,
        "v3",
        reference.demo.project_id,
    )
    assert row.drift_level == "significant" and row.drift_psi > 0.25
    assert row.drift_checked_at == AT
    assert len(row.drift_bins) == 10 and row.drift_bins[0][:2] == [0.0, row.drift_bins[1][0]]


def test_unmarking_clears_the_link_and_the_drift(served):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    dataset_unmark_live(dataset=live)
    assert drift_fields(live) == (None, None, "", [], None)


def test_changing_the_reference_recomputes_the_drift(demo, served):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference, at=AT)
    similar = make_dataset(demo, RNG.beta(5, 2, 300).tolist(), version="v4")
    later = AT + datetime.timedelta(days=1)
    dataset_mark_live(dataset=live, reference=similar, at=later)
    live.refresh_from_db()
    assert (live.live_of_id, live.drift_level, live.drift_checked_at) == (
        similar.pk,
        "stable",
        later,
    )


def test_refreshing_a_live_dataset_measures_it_again(served):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference, at=AT)
    Dataset.objects.filter(pk=live.pk).update(drift_psi=0.0, drift_level="stable")
    later = AT + datetime.timedelta(hours=6)
    dataset_drift_refresh(dataset=live, at=later)
    live.refresh_from_db()
    assert (live.drift_level, live.drift_checked_at) == ("significant", later)
    assert live.drift_psi > 0.25


def test_refreshing_a_dataset_that_is_not_live_clears_stale_figures(served):
    reference, live = served
    Dataset.objects.filter(pk=live.pk).update(drift_psi=0.4, drift_level="significant")
    dataset_drift_refresh(dataset=live)
    assert drift_fields(live) == (None, None, "", [], None)


def test_deleting_the_reference_leaves_no_stale_drift(served):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    reference.delete()
    assert drift_fields(live) == (None, None, "", [], None)


def _other_demo_dataset(demo, owner, served=None):
    other = demo_create(project=demo.project, title="Another demo", by=owner)
    return make_dataset(other, [0.5, 0.6], version="v1")


def _not_ready(demo):
    dataset = make_dataset(demo, [0.5, 0.6], version="uploading")
    Dataset.objects.filter(pk=dataset.pk).update(ready=False)
    dataset.refresh_from_db()
    return dataset


def _live_itself(demo, served):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    return Dataset.objects.get(pk=live.pk)


BAD_REFERENCES = {
    "another demo's dataset": (_other_demo_dataset, "a model version of the same demo"),
    "not ready": (lambda demo, owner, served: _not_ready(demo), "“uploading” is still being"),
    "live itself": (
        lambda demo, owner, served: _live_itself(demo, served),
        "“prod-week-48” is live traffic itself",
    ),
}


@pytest.mark.parametrize("case", BAD_REFERENCES)
def test_a_bad_reference_is_refused_and_changes_nothing(demo, owner, served, case):
    make, message = BAD_REFERENCES[case]
    chosen = make(demo, owner, served)
    fresh = make_dataset(demo, [0.3, 0.4, 0.9], version="prod-week-49")
    with pytest.raises(LiveError, match=message):
        dataset_mark_live(dataset=fresh, reference=chosen)
    assert drift_fields(fresh) == (None, None, "", [], None)


def test_a_dataset_cannot_serve_itself(served):
    reference, _ = served
    with pytest.raises(LiveError, match="“v3” cannot be compared with itself"):
        dataset_mark_live(dataset=reference, reference=reference)
    assert drift_fields(reference) == (None, None, "", [], None)


def test_a_version_that_serves_live_traffic_cannot_become_live(demo, served):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    other = make_dataset(demo, [0.2, 0.8], version="v5")
    with pytest.raises(LiveError, match="Live traffic is compared with “v3”"):
        dataset_mark_live(dataset=reference, reference=other)
    assert drift_fields(reference) == (None, None, "", [], None)


def test_a_multiclass_version_cannot_serve_single_score_traffic(demo, served):
    _, live = served
    classes = make_dataset(demo, [0.7, 0.8], version="mc", classes=["a", "b"], top=["a", "b"])
    with pytest.raises(LiveError, match="of the same kind"):
        dataset_mark_live(dataset=live, reference=classes)


# Finding the version by name -----------------------------------------------------------------


def test_a_version_is_found_by_its_name(demo, served):
    v3, _ = served
    assert reference_named(demo=demo, model_version="v3") == v3


def test_an_unknown_name_is_refused_naming_the_versions_that_can_serve(demo, served):
    v3, live = served
    dataset_mark_live(dataset=live, reference=v3)
    make_dataset(demo, [0.2, 0.7], version="v4")
    with pytest.raises(LiveError) as refused:
        reference_named(demo=demo, model_version="v9")
    assert str(refused.value) == (
        "This demo has no model version “v9”. Live traffic can be compared with “v4” or “v3”; "
        "name one of them."
    )


def test_an_unknown_name_in_a_demo_without_versions_says_to_upload_one_first(demo):
    with pytest.raises(LiveError, match="Upload the model version that serves this traffic"):
        reference_named(demo=demo, model_version="v3")


# The view: who may ------------------------------------------------------------------------


def _post(client, demo, served, **extra):
    reference, live = served
    return client.post(live_url(demo), {"dataset": live.pk, "reference": reference.pk, **extra})


@pytest.mark.parametrize("role", ["editor", "owner"])
def test_editors_mark_and_unmark_live_traffic(client, demo, served, role, request):
    reference, live = served
    client.force_login(request.getfixturevalue(role))
    response = _post(client, demo, served)
    assert response.status_code == 302 and response["Location"].endswith("#live")
    assert drift_fields(live)[:3] == (reference.pk, live.drift_psi, "significant")
    response = client.post(live_url(demo), {"dataset": live.pk})
    assert response.status_code == 302
    assert drift_fields(live) == (None, None, "", [], None)


def test_with_htmx_the_section_comes_back_with_the_event(client, demo, served, editor):
    client.force_login(editor)
    response = client.post(
        live_url(demo),
        {"dataset": served[1].pk, "reference": served[0].pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "demo-changed" in response["HX-Trigger"]
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="live"')
    assert "Significant drift (PSI" in html


def test_a_dataset_of_another_demo_as_reference_is_a_422_with_the_reason(
    client, demo, served, editor, owner
):
    other = _other_demo_dataset(demo, owner)
    client.force_login(editor)
    response = client.post(live_url(demo), {"dataset": served[1].pk, "reference": other.pk})
    assert response.status_code == 422
    assert "Choose one of this demo&#x27;s model versions" in response.content.decode()
    assert drift_fields(served[1])[0] is None


def test_marking_itself_is_a_422_in_the_section_with_htmx(client, demo, served, editor):
    reference, _ = served
    client.force_login(editor)
    response = client.post(
        live_url(demo),
        {"dataset": reference.pk, "reference": reference.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="live"')
    assert "cannot be compared with itself" in html


def test_a_live_dataset_of_another_demo_is_not_found(client, demo, served, editor, owner):
    other = _other_demo_dataset(demo, owner)
    client.force_login(editor)
    response = client.post(live_url(demo), {"dataset": other.pk, "reference": served[0].pk})
    assert response.status_code == 404


# What the pages show ----------------------------------------------------------------------


def test_the_demo_page_says_the_drift_in_words_with_the_bands(client, demo, served, viewer):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    client.force_login(viewer)
    html = client.get(reverse("demos:demo_detail", args=[demo.project.slug, demo.pk])).content
    html = html.decode()
    assert "“prod-week-48”: live traffic, served by v3" in html
    assert "Significant drift (PSI " in html and "what model v3 was shown" in html
    assert html.count('class="drift-bar-live"') == 10
    assert "population stability index" in html
    assert "Mark as live traffic" not in html  # readers see, editors change


def test_the_demo_page_reads_no_drift_on_a_view(
    client, demo, served, owner, django_assert_max_num_queries
):
    """The page shows the stored figure: opening it counts nothing, however many live rows."""
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    client.force_login(owner)
    url = reverse("demos:demo_detail", args=[demo.project.slug, demo.pk])
    client.get(url)  # labels counted and cached once
    with django_assert_max_num_queries(20) as captured:
        client.get(url)
    assert not any("ORDER BY" in q["sql"] and "OFFSET" in q["sql"] for q in captured)
    page_queries = len(captured)  # (the next request resets the connection's query log)
    Example.objects.bulk_create(
        Example(dataset=live, row=1000 + i, external_id=f"extra{i}", score=0.5, fields={})
        for i in range(200)
    )
    with django_assert_max_num_queries(page_queries):
        client.get(url)
    # More live datasets cost no more queries either.
    for week in (49, 50):
        more = make_dataset(demo, RNG.beta(3, 2, 50).tolist(), version=f"prod-week-{week}")
        dataset_mark_live(dataset=more, reference=reference)
    client.get(url)  # the newest dataset's labels counted and cached once
    with django_assert_max_num_queries(page_queries):
        html = client.get(url).content.decode()
    assert html.count('class="live-traffic') == 3


def test_the_compare_page_gives_the_version_to_version_psi(client, demo, served, viewer):
    reference, live = served
    client.force_login(viewer)
    response = client.get(
        reverse("demos:compare", args=[demo.project.slug, demo.pk]),
        {"a": reference.pk, "b": live.pk},
    )
    html = response.content.decode()
    assert "“prod-week-48” spreads its scores very differently from “v3” (PSI " in html
    assert response.context["drift"].level == "significant"
    assert html.count('class="drift-bar-reference"') == 10


def test_the_live_part_refreshes_on_its_own(client, demo, served, viewer):
    reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    client.force_login(viewer)
    url = reverse("demos:demo_section", args=[demo.project.slug, demo.pk, "live"])
    response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="live"') and "Significant drift" in html


def test_the_admin_shows_live_traffic_without_letting_it_be_edited(client, demo, served):
    from tests.factories import make_user

    reference, live = served
    dataset_mark_live(dataset=live, reference=reference)
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:demos_dataset_change", args=[live.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="live_of"' not in html and 'name="drift_psi"' not in html
    assert "significant" in html.lower()
