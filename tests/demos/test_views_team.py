"""The team's demo pages: create, upload with progress, tune the scale, share, agreement."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demos.models import Dataset, Demo, JobStatus, ShareLink, UploadJob
from demos.services import feedback_record, share_link_create
from lifecycle.models import Reading
from tests.factories import SCALE, add_criterion, make_dataset

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(demo, name, **kwargs):
    return reverse(
        f"demos:{name}", kwargs={"slug": demo.project.slug, "demo_id": demo.pk, **kwargs}
    )


def test_create_a_demo(client, project, editor):
    client.force_login(editor)
    response = client.post(
        reverse("demos:demo_new", args=[project.slug]),
        {"title": "Urgent tickets", "intro": "Judge **urgency**", "kind": "traffic_light"},
    )
    demo = Demo.objects.get()
    assert response["Location"] == url(demo, "demo_detail")
    assert demo.scale.kind == "traffic_light"
    page = client.get(reverse("demos:demo_list", args=[project.slug])).content.decode()
    assert "Urgent tickets" in page


def test_a_demo_without_a_title_is_refused(client, project, editor):
    client.force_login(editor)
    response = client.post(reverse("demos:demo_new", args=[project.slug]), {"kind": "bands"})
    assert response.status_code == 422
    assert not Demo.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_upload_shows_the_finished_job_in_place(client, demo, editor):
    client.force_login(editor)
    csv = b"id,score,title,text\nt1,0.91,Printer on fire,Smoke\nt2,0.3,Newsletter,Bye\n"
    response = client.post(
        url(demo, "dataset_upload"),
        {
            "file": SimpleUploadedFile("outputs.csv", csv),
            "model_version": "v1",
            "id_column": "id",
            "score_column": "score",
            "display_columns": "title, text",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "demo-changed" in response["HX-Trigger"]
    assert "Stored 2 examples" in response.content.decode()
    dataset = Dataset.objects.get()
    assert (dataset.ready, dataset.display_columns) == (True, ["title", "text"])


@pytest.mark.django_db(transaction=True)
def test_a_bad_file_gets_its_report_with_columns_and_lines(client, demo, editor):
    client.force_login(editor)
    csv = b"id,score\nt1,0.9\nt2,high\nt3,1.7\n"
    response = client.post(
        url(demo, "dataset_upload"),
        {
            "file": SimpleUploadedFile("bad.csv", csv),
            "model_version": "v1",
            "id_column": "id",
            "score_column": "score",
        },
        headers=HTMX,
    )
    html = response.content.decode()
    assert "2 problems in the file; nothing was stored" in html
    assert "Column “score” · line 3" in html
    assert "Column “score” · line 4" in html
    assert not Dataset.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_upload_without_htmx_goes_to_the_job_page(client, demo, editor):
    client.force_login(editor)
    response = client.post(
        url(demo, "dataset_upload"),
        {
            "file": SimpleUploadedFile("o.csv", b"id,score\na,0.5\n"),
            "model_version": "v1",
            "id_column": "id",
            "score_column": "score",
        },
    )
    job = UploadJob.objects.get()
    assert response["Location"] == url(demo, "upload_job", job_id=job.pk)
    assert "Stored 1 examples" in client.get(response["Location"]).content.decode()


def test_an_upload_needs_a_score_or_class_columns(client, demo, editor):
    client.force_login(editor)
    response = client.post(
        url(demo, "dataset_upload"),
        {
            "file": SimpleUploadedFile("o.csv", b"id\na\n"),
            "model_version": "v1",
            "id_column": "id",
            "score_column": "",
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Name the score column, or the class columns." in response.content.decode()
    assert not UploadJob.objects.exists()


def test_a_running_job_keeps_polling(client, demo, editor):
    job = UploadJob.objects.create(
        demo=demo,
        original_name="big.csv",
        model_version="v1",
        status=JobStatus.RUNNING,
        progress=40,
    )
    client.force_login(editor)
    response = client.get(url(demo, "upload_job", job_id=job.pk), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in html
    assert 'value="40"' in html


def test_a_finished_job_stops_the_polling_with_286(client, demo, editor):
    dataset = make_dataset(demo, [0.9, 0.2])
    job = UploadJob.objects.create(
        demo=demo,
        original_name="o.csv",
        model_version="v1",
        status=JobStatus.SUCCEEDED,
        progress=100,
        dataset=dataset,
    )
    client.force_login(editor)
    response = client.get(url(demo, "upload_job", job_id=job.pk), headers=HTMX)
    assert response.status_code == 286
    assert "demo-changed" in response["HX-Trigger"]
    assert "every 1s" not in response.content.decode()


def test_a_failed_job_stops_polling_and_shows_the_problems(client, demo, editor):
    job = UploadJob.objects.create(
        demo=demo,
        original_name="o.csv",
        model_version="v1",
        status=JobStatus.FAILED,
        problems=[{"message": "Ids must be unique", "column": "id", "rows": [3, 4]}],
    )
    client.force_login(editor)
    response = client.get(url(demo, "upload_job", job_id=job.pk), headers=HTMX)
    assert response.status_code == 286
    assert "Column “id” · lines 3, 4" in response.content.decode()


def test_the_scale_preview_counts_examples_per_band(client, demo, editor):
    make_dataset(demo, [0.95, 0.85, 0.6, 0.2, 0.1])
    client.force_login(editor)
    data = {
        **SCALE,
        "band_count": "3",
        "band-1-min": "0.5",
        "band-2-label": "Low",
        "band-2-colour": "#000000",
        "band-0-min": "0.9",
        "band-1-label": "Medium",
    }
    response = client.post(url(demo, "scale_preview"), data, headers=HTMX)
    counts = [bar["count"] for bar in response.context["preview"]["bars"]]
    assert counts == [1, 2, 2]
    assert demo.scales.count() == 1  # a preview saves nothing


def test_the_preview_explains_bad_thresholds(client, demo, editor):
    make_dataset(demo, [0.9])
    client.force_login(editor)
    data = {
        **SCALE,
        "band_count": "3",
        "band-0-min": "0.3",
        "band-1-min": "0.6",
        "band-1-label": "Mid",
        "band-2-label": "Low",
        "band-2-colour": "#000000",
    }
    response = client.post(url(demo, "scale_preview"), data, headers=HTMX)
    assert "Thresholds must go down" in response.content.decode()


def test_saving_the_scale_records_a_version(client, demo, editor):
    dataset = make_dataset(demo, [0.9, 0.4])
    client.force_login(editor)
    response = client.post(url(demo, "scale_edit"), {**SCALE, "op": "save"}, headers=HTMX)
    assert response.status_code == 200
    assert "demo-changed" in response["HX-Trigger"]
    demo.refresh_from_db()
    dataset.refresh_from_db()
    assert (demo.scale.version, demo.scale.created_by) == (2, editor)
    assert [b["label"] for b in demo.scale.bands] == ["Urgent", "Can wait"]
    assert dataset.scale == demo.scale
    assert "Eddie Editor" in response.content.decode()


def test_a_bad_scale_is_not_saved(client, demo, editor):
    client.force_login(editor)
    data = {**SCALE, "op": "save", "band-0-label": ""}
    response = client.post(url(demo, "scale_edit"), data, headers=HTMX)
    assert response.status_code == 422
    assert "give it a label" in response.content.decode()
    assert demo.scales.count() == 1


def _band_rows(response) -> int:
    return len(re.findall(r'name="band-\d+-label"', response.content.decode()))


def test_presets_and_adding_bands_change_nothing_stored(client, demo, editor):
    client.force_login(editor)
    preset = client.post(url(demo, "scale_edit"), {"kind": "stars", "op": "preset"}, headers=HTMX)
    assert _band_rows(preset) == 5
    added = client.post(url(demo, "scale_edit"), {**SCALE, "op": "add"}, headers=HTMX)
    assert _band_rows(added) == 3
    removed = client.post(url(demo, "scale_edit"), {**SCALE, "op": "remove-0"}, headers=HTMX)
    assert _band_rows(removed) == 2  # two bands at least
    assert demo.scales.count() == 1


def test_share_links_list_visits_feedback_and_status(client, demo, editor, owner):
    dataset = make_dataset(demo, [0.9, 0.4])
    link = share_link_create(demo=demo, viewer_name="Head of support", by=owner)
    link.view_count = 3
    link.save()
    feedback_record(example=dataset.examples.first(), verdict="agree", link=link)
    client.force_login(editor)
    html = client.get(url(demo, "demo_detail")).content.decode()
    assert "3 visits · 1 judgement" in html
    assert "http://testserver" + link.get_absolute_url() in html
    client.post(url(demo, "share_link_revoke", link_id=link.pk), headers=HTMX)
    link.refresh_from_db()
    assert link.is_revoked


def test_create_a_share_link(client, demo, editor):
    client.force_login(editor)
    response = client.post(
        url(demo, "share_link_new"), {"viewer_name": "CFO", "days": 30}, headers=HTMX
    )
    link = ShareLink.objects.get()
    assert (link.viewer_name, link.created_by) == ("CFO", editor)
    assert link.get_absolute_url() in response.content.decode()


def test_a_link_lasts_at_most_a_year(client, demo, editor):
    client.force_login(editor)
    response = client.post(url(demo, "share_link_new"), {"days": 400}, headers=HTMX)
    assert response.status_code == 422
    assert not ShareLink.objects.exists()


def test_agreement_per_band_is_shown_and_recorded_as_a_reading(client, demo, owner, editor):
    dataset = make_dataset(demo, [0.9, 0.85, 0.6, 0.2])
    link = share_link_create(demo=demo, by=owner)
    verdicts = ["agree", "disagree", "agree", "agree"]
    for example, verdict in zip(dataset.examples.order_by("row"), verdicts, strict=True):
        feedback_record(example=example, verdict=verdict, link=link)
    criterion = add_criterion(demo.project, owner, name="Stakeholder agreement")
    client.force_login(editor)
    page = client.get(url(demo, "demo_detail")).content.decode()
    assert "50 %" in page and "100 %" in page
    response = client.post(
        url(demo, "agreement_record"),
        {"dataset": dataset.pk, "criterion": criterion.pk, "band": ""},
        headers=HTMX,
    )
    assert response.status_code == 200
    (reading,) = Reading.objects.all()
    assert (reading.criterion, reading.value, reading.source) == (criterion, 75.0, "experiment")
    client.post(
        url(demo, "agreement_record"),
        {"dataset": dataset.pk, "criterion": criterion.pk, "band": "0"},
    )
    assert Reading.objects.order_by("-id").first().value == 50.0


def test_agreement_cannot_be_recorded_before_anyone_judged(client, demo, owner, editor):
    dataset = make_dataset(demo, [0.9])
    criterion = add_criterion(demo.project, owner)
    client.force_login(editor)
    response = client.post(
        url(demo, "agreement_record"),
        {"dataset": dataset.pk, "criterion": criterion.pk, "band": ""},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Nobody has judged" in response.content.decode()
    assert not Reading.objects.exists()


def test_the_project_page_card_shows_agreement(client, demo, owner, viewer):
    dataset = make_dataset(demo, [0.9, 0.2])
    link = share_link_create(demo=demo, by=owner)
    feedback_record(example=dataset.examples.first(), verdict="agree", link=link)
    client.force_login(viewer)
    project_page = client.get(demo.project.get_absolute_url()).content.decode()
    assert reverse("demos:project_demos_card", args=[demo.project.slug]) in project_page
    card = client.get(
        reverse("demos:project_demos_card", args=[demo.project.slug]), headers=HTMX
    ).content.decode()
    assert demo.title in card
    assert "Stakeholders agree with <strong>100 %</strong> of 1 judged example" in card


def test_the_demo_page_query_count_is_flat(
    client, demo, owner, editor, django_assert_max_num_queries
):
    make_dataset(demo, [i / 300 for i in range(300)])
    for _ in range(3):
        share_link_create(demo=demo, by=owner)
    client.force_login(editor)
    client.get(url(demo, "demo_detail"))
    with django_assert_max_num_queries(20):
        client.get(url(demo, "demo_detail"))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"class_columns": "outage"}, "A multi-class model needs two class columns or more."),
        ({"file": SimpleUploadedFile("o.xlsx", b"PK\x03\x04")}, "looks like a zip archive"),
    ],
)
def test_the_upload_form_refuses_before_storing_anything(client, demo, editor, fields, message):
    client.force_login(editor)
    data = {
        "file": SimpleUploadedFile("o.csv", b"id,score\na,0.5\n"),
        "model_version": "v1",
        "id_column": "id",
        "score_column": "score",
        **fields,
    }
    response = client.post(url(demo, "dataset_upload"), data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not UploadJob.objects.exists()


# Who said what -------------------------------------------------------------------------------


def test_feedback_is_shown_to_the_team_with_who_gave_it(client, demo, owner, viewer):
    dataset = make_dataset(demo, [0.9, 0.6, 0.2])
    first, second, third = dataset.examples.order_by("row")
    named = share_link_create(demo=demo, viewer_name="Head of support", by=owner)
    anyone = share_link_create(demo=demo, by=owner)
    feedback_record(example=first, verdict="agree", comment="Spot on", link=named)
    feedback_record(example=second, verdict="disagree", comment="Can wait", user=viewer)
    feedback_record(example=third, verdict="unsure", link=anyone)
    client.force_login(viewer)
    html = client.get(url(demo, "demo_detail")).content.decode()
    section = html[html.index('id="feedback"') :]
    assert "Head of support (share link)" in section
    assert "Spot on" in section
    assert viewer.display_name in section and "Can wait" in section
    assert "Someone with a share link" in section


def test_each_link_counts_its_judgements_by_verdict(client, demo, owner, editor):
    dataset = make_dataset(demo, [0.9, 0.6, 0.2])
    link = share_link_create(demo=demo, viewer_name="CFO", by=owner)
    for example, verdict in zip(
        dataset.examples.order_by("row"), ["agree", "agree", "disagree"], strict=True
    ):
        feedback_record(example=example, verdict=verdict, link=link)
    client.force_login(editor)
    html = client.get(url(demo, "demo_detail")).content.decode()
    assert "3 judgements (2 agree, 1 disagree, 0 not sure)" in html


def test_the_demo_page_query_count_stays_flat_as_feedback_grows(
    client, demo, owner, editor, viewer, django_assert_max_num_queries
):
    dataset = make_dataset(demo, [i / 40 for i in range(40)])
    links = [share_link_create(demo=demo, viewer_name=f"Reader {n}", by=owner) for n in range(4)]
    for index, example in enumerate(dataset.examples.all()):
        feedback_record(example=example, verdict="agree", link=links[index % 4])
        feedback_record(example=example, verdict="disagree", user=viewer)
    client.force_login(editor)
    client.get(url(demo, "demo_detail"))
    with django_assert_max_num_queries(20):
        client.get(url(demo, "demo_detail"))


# Editing the title and introduction ----------------------------------------------------------


def test_edit_the_title_and_intro(client, demo, editor):
    client.force_login(editor)
    response = client.post(
        url(demo, "demo_edit"),
        {"title": "Urgent or not?", "intro": "Judge **each** ticket.", "version": demo.version},
    )
    assert response.status_code == 302
    demo.refresh_from_db()
    assert (demo.title, demo.intro, demo.version, demo.edited_by) == (
        "Urgent or not?",
        "Judge **each** ticket.",
        2,
        editor,
    )
    page = client.get(url(demo, "demo_detail")).content.decode()
    assert "Urgent or not?" in page and "<strong>each</strong>" in page


def test_a_stale_edit_is_refused_and_keeps_the_text(client, demo, owner, editor):
    client.force_login(owner)
    read_at = demo.version
    client.post(url(demo, "demo_edit"), {"title": "Owner's title", "intro": "", "version": read_at})
    client.force_login(editor)
    response = client.post(
        url(demo, "demo_edit"),
        {"title": "Editor's title", "intro": "Editor's intro", "version": read_at},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "saved the title and introduction while you were editing" in html
    assert owner.display_name in html
    assert 'value="Editor&#x27;s title"' in html  # the user's text is kept...
    demo.refresh_from_db()
    assert demo.title == "Owner's title"  # ...and nothing was changed
    # Saving again, now against the current version, replaces the colleague's text.
    again = re.search(r'name="version" value="(\d+)"', html).group(1)
    client.post(
        url(demo, "demo_edit"),
        {"title": "Editor's title", "intro": "Editor's intro", "version": again},
    )
    demo.refresh_from_db()
    assert demo.title == "Editor's title"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "", "intro": "x"}, "This field is required."),
        ({"title": "x" * 161, "intro": ""}, "at most 160 characters"),
        ({"title": "Fine", "intro": "", "version": "abc"}, "Reload the page and edit again."),
    ],
)
def test_a_bad_edit_is_refused_with_a_message(client, demo, editor, data, message):
    client.force_login(editor)
    response = client.post(url(demo, "demo_edit"), {"version": demo.version, **data})
    assert response.status_code == 422
    assert message in response.content.decode()
    demo.refresh_from_db()
    assert demo.title == "Which tickets are urgent?" and demo.version == 1


def test_the_edit_form_is_only_for_those_who_may_edit(client, demo, viewer, editor):
    client.force_login(viewer)
    assert 'id="edit"' not in client.get(url(demo, "demo_detail")).content.decode()
    client.force_login(editor)
    assert 'id="edit"' in client.get(url(demo, "demo_detail")).content.decode()
