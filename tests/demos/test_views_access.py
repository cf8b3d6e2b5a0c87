"""Who may use each demo page: anonymous → login, outsider → 404, viewer → 403 on writes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demos.models import Dataset, Example, UploadJob
from demos.services import feedback_record, share_link_create
from tests.factories import add_criterion

READ, EDIT = "read", "edit"


def make_dataset(demo, scores, *, version="v1", fields=None, classes=None, top=None):
    """A ready dataset with one example per score: ids t1, t2, … and a title per row."""
    dataset = Dataset.objects.create(
        demo=demo,
        model_version=version,
        ready=True,
        scale=demo.scale,
        classes=classes or [],
        display_columns=list(dict.fromkeys(k for f in fields for k in f)) if fields else ["title"],
        row_count=len(scores),
    )
    Example.objects.bulk_create(
        Example(
            dataset=dataset,
            row=index + 2,
            external_id=f"t{index + 1}",
            score=score,
            top_class=(top[index] if top else ""),
            fields=(fields[index] if fields else {"title": f"Ticket {index + 1}", "text": ""}),
        )
        for index, score in enumerate(scores)
    )
    return dataset


def _objects(demo, owner):
    dataset = make_dataset(demo, [0.95, 0.6, 0.2])
    make_dataset(demo, [0.7, 0.6, 0.1], version="v2")
    link = share_link_create(demo=demo, by=owner)
    example = dataset.examples.order_by("row").first()
    feedback_record(example=example, verdict="agree", link=link)
    criterion = add_criterion(demo.project, owner, name="Stakeholder agreement")
    job = UploadJob.objects.create(demo=demo, original_name="x.csv", model_version="v9")
    return {
        "dataset": dataset,
        "example": example,
        "link": link,
        "criterion": criterion,
        "job": job,
    }


SCALE = {
    "kind": "bands",
    "band_count": "2",
    "band-0-label": "Urgent",
    "band-0-colour": "#b42318",
    "band-0-description": "Answer today",
    "band-0-min": "0.7",
    "band-1-label": "Can wait",
    "band-1-colour": "#6b7686",
    "band-1-description": "",
}


def _upload(objects):
    csv = b"id,score,title\nn1,0.9,Printer on fire\nn2,0.1,Newsletter\n"
    return {
        "file": SimpleUploadedFile("out.csv", csv),
        "model_version": "v3",
        "id_column": "id",
        "score_column": "score",
        "display_columns": "title",
    }


# (url name, kwargs builder, method, needed right, POST data builder)
VIEWS = [
    ("demo_list", lambda o: {}, "get", READ, None),
    ("demo_new", lambda o: {}, "get", EDIT, None),
    ("demo_new", lambda o: {}, "post", EDIT, lambda o: {"title": "New", "kind": "stars"}),
    ("project_demos_card", lambda o: {}, "get", READ, None),
    ("demo_detail", lambda o: {"demo_id": o["demo"].pk}, "get", READ, None),
    (
        "demo_section",
        lambda o: {"demo_id": o["demo"].pk, "part": "datasets"},
        "get",
        READ,
        None,
    ),
    ("dataset_upload", lambda o: {"demo_id": o["demo"].pk}, "post", EDIT, _upload),
    (
        "upload_job",
        lambda o: {"demo_id": o["demo"].pk, "job_id": o["job"].pk},
        "get",
        READ,
        None,
    ),
    (
        "demo_edit",
        lambda o: {"demo_id": o["demo"].pk},
        "post",
        EDIT,
        lambda o: {"title": "Urgent tickets", "intro": "", "version": o["demo"].version},
    ),
    ("scale_edit", lambda o: {"demo_id": o["demo"].pk}, "post", EDIT, lambda o: SCALE),
    (
        "scale_edit",
        lambda o: {"demo_id": o["demo"].pk},
        "post",
        EDIT,
        lambda o: {**SCALE, "op": "save"},
    ),
    ("scale_preview", lambda o: {"demo_id": o["demo"].pk}, "post", EDIT, lambda o: SCALE),
    (
        "agreement_record",
        lambda o: {"demo_id": o["demo"].pk},
        "post",
        EDIT,
        lambda o: {"dataset": o["dataset"].pk, "criterion": o["criterion"].pk, "band": ""},
    ),
    (
        "share_link_new",
        lambda o: {"demo_id": o["demo"].pk},
        "post",
        EDIT,
        lambda o: {"viewer_name": "Head of support", "days": 7},
    ),
    (
        "share_link_revoke",
        lambda o: {"demo_id": o["demo"].pk, "link_id": o["link"].pk},
        "post",
        EDIT,
        lambda o: {},
    ),
    ("compare", lambda o: {"demo_id": o["demo"].pk}, "get", READ, None),
    ("demo_view", lambda o: {"demo_id": o["demo"].pk}, "get", READ, None),
    (
        "example_feedback",
        lambda o: {"demo_id": o["demo"].pk, "example_id": o["example"].pk},
        "post",
        READ,  # judging examples is what readers (stakeholders with an account) are for
        lambda o: {"verdict": "disagree", "comment": "Not urgent"},
    ),
]

IDS = [f"{name}-{method}" for name, _, method, _, _ in VIEWS]


def _request(client, demo, owner, view):
    name, kwargs, method, _, data = view
    objects = {**_objects(demo, owner), "demo": demo}
    url = reverse(f"demos:{name}", kwargs={"slug": demo.project.slug, **kwargs(objects)})
    if method == "get":
        return client.get(url, headers={"HX-Request": "true"})
    return client.post(url, data(objects))


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_anonymous_is_sent_to_login(client, demo, owner, view):
    response = _request(client, demo, owner, view)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_outsider_gets_404(client, demo, owner, outsider, view):
    client.force_login(outsider)
    assert _request(client, demo, owner, view).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_viewer_reads_but_may_not_change(client, demo, owner, viewer, view):
    client.force_login(viewer)
    expected = (200, 302) if view[3] == READ else (403,)
    assert _request(client, demo, owner, view).status_code in expected


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_manager_reads_but_may_not_change(client, demo, owner, manager, view):
    client.force_login(manager)
    expected = (200, 302) if view[3] == READ else (403,)
    assert _request(client, demo, owner, view).status_code in expected


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_editor_may_do_everything(client, demo, owner, editor, view):
    client.force_login(editor)
    assert _request(client, demo, owner, view).status_code in (200, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=IDS)
def test_owner_may_do_everything(client, demo, owner, view):
    client.force_login(owner)
    assert _request(client, demo, owner, view).status_code in (200, 302)


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
    job = UploadJob.objects.create(demo=other, original_name="x.csv", model_version="v1")
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
