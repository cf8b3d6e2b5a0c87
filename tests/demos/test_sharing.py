"""Share links and stakeholder feedback."""

import datetime

import pytest
from django.utils import timezone

from demos.access import LinkUnusable, get_share_link
from demos.models import Dataset, Example, Feedback
from demos.scales import bands_from_json
from demos.services import (
    agreement_by_band,
    feedback_record,
    share_link_count_view,
    share_link_create,
    share_link_revoke,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(demo):
    dataset = Dataset.objects.create(demo=demo, model_version="v1", ready=True, scale=demo.scale)
    for row, score in enumerate([0.95, 0.85, 0.6, 0.2], start=2):
        Example.objects.create(dataset=dataset, row=row, external_id=f"t{row}", score=score)
    return dataset


def test_a_fresh_link_opens_its_demo(demo, owner):
    link = share_link_create(demo=demo, viewer_name="Head of support", by=owner)
    assert get_share_link(link.token) == link


def test_a_forged_or_mangled_token_is_unknown(demo, owner):
    link = share_link_create(demo=demo, by=owner)
    for token in [link.token[:-2] + "xx", link.public_id.hex, "nonsense"]:
        with pytest.raises(LinkUnusable) as error:
            get_share_link(token)
        assert error.value.reason == "unknown"


def test_a_revoked_link_says_so(demo, owner):
    link = share_link_revoke(link=share_link_create(demo=demo, by=owner))
    with pytest.raises(LinkUnusable) as error:
        get_share_link(link.token)
    assert error.value.reason == "revoked"


def test_an_expired_link_says_so(demo, owner):
    link = share_link_create(demo=demo, days=1, by=owner)
    link.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    link.save()
    with pytest.raises(LinkUnusable) as error:
        get_share_link(link.token)
    assert error.value.reason == "expired"


def test_link_lifetime_is_bounded(demo, owner):
    with pytest.raises(ValueError, match="1 to 365 days"):
        share_link_create(demo=demo, days=0, by=owner)


def test_views_are_counted_per_link(demo, owner):
    first, second = share_link_create(demo=demo, by=owner), share_link_create(demo=demo, by=owner)
    share_link_count_view(link=first)
    share_link_count_view(link=first)
    share_link_count_view(link=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.view_count, second.view_count) == (2, 1)
    assert first.last_viewed_at is not None


def test_feedback_through_a_link_is_one_per_example_and_can_change(demo, owner, dataset):
    link = share_link_create(demo=demo, by=owner)
    example = dataset.examples.first()
    feedback_record(example=example, verdict="agree", link=link)
    feedback_record(example=example, verdict="disagree", comment="Not urgent at all", link=link)
    (only,) = Feedback.objects.all()
    assert (only.verdict, only.comment, only.link) == ("disagree", "Not urgent at all", link)
    assert link.feedback.count() == 1


def test_feedback_is_counted_per_link(demo, owner, dataset):
    first, second = share_link_create(demo=demo, by=owner), share_link_create(demo=demo, by=owner)
    for example in dataset.examples.all():
        feedback_record(example=example, verdict="agree", link=first)
    feedback_record(example=dataset.examples.first(), verdict="unsure", link=second)
    assert (first.feedback.count(), second.feedback.count()) == (4, 1)


def test_signed_in_feedback_is_one_per_person(dataset, viewer, editor):
    example = dataset.examples.first()
    feedback_record(example=example, verdict="agree", user=viewer)
    feedback_record(example=example, verdict="unsure", user=viewer)
    feedback_record(example=example, verdict="disagree", user=editor)
    assert sorted(Feedback.objects.values_list("verdict", flat=True)) == ["disagree", "unsure"]


def test_bad_verdicts_are_refused(dataset, viewer):
    with pytest.raises(ValueError, match="agree, disagree or not sure"):
        feedback_record(example=dataset.examples.first(), verdict="maybe", user=viewer)


def test_agreement_rate_by_band(demo, owner, dataset, django_assert_num_queries):
    link = share_link_create(demo=demo, by=owner)
    verdicts = {"t2": "agree", "t3": "disagree", "t4": "agree", "t5": "unsure"}
    for example in dataset.examples.all():
        feedback_record(example=example, verdict=verdicts[example.external_id], link=link)
    bands = bands_from_json(dataset.scale.bands)  # ≥0.8, ≥0.5, below
    with django_assert_num_queries(1):
        rows = agreement_by_band(dataset, bands)
    summary = [(r["band"].label, r["judged"], r["agree"], r["agreement"]) for r in rows]
    assert summary == [
        ("Strong match", 2, 1, 0.5),
        ("Possible", 1, 1, 1.0),
        ("Unlikely", 1, 0, 0.0),
    ]


def test_a_project_with_demos_and_feedback_can_be_deleted(project, owner, demo, dataset):
    from demos.models import Demo, RatingScale

    link = share_link_create(demo=demo, by=owner)
    feedback_record(example=dataset.examples.first(), verdict="agree", link=link)
    project.delete()
    assert not Demo.objects.exists()
    assert not RatingScale.objects.exists()
    assert not Feedback.objects.exists()


def test_a_scale_in_use_cannot_be_deleted_on_its_own(demo):
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError):
        demo.scale.delete()
