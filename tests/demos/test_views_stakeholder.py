"""The stakeholder view, through a share link and signed in: labels, filters, feedback."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demos.models import Feedback
from demos.selectors.examples import PER_PAGE
from demos.services import demo_create, share_link_create, share_link_revoke
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db

TICKETS = [
    {"title": "Printer on fire", "text": "Smoke coming from tray 2"},
    {"title": "Password reset", "text": "Cannot log in since Monday"},
    {"title": "Newsletter", "text": "Please unsubscribe me"},
    {"title": "Server down", "text": "The shop is offline", "photo": "https://example.com/a.png"},
]


@pytest.fixture
def dataset(demo):
    return make_dataset(demo, [0.9731, 0.62, 0.12, 0.85], fields=TICKETS)


@pytest.fixture
def link(demo, owner):
    return share_link_create(demo=demo, viewer_name="Head of support", by=owner)


def shared(link, **params):
    url = reverse("demos:shared_demo", args=[link.token])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_a_link_opens_the_demo_without_an_account(client, link, dataset):
    response = client.get(shared(link))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Printer on fire" in html
    assert "Strong match" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_the_page_never_shows_a_score(client, link, dataset):
    html = client.get(shared(link)).content.decode()
    for score in ["0.9731", "0.97", "97 %", "97%", "0.62"]:
        assert score not in html


def test_a_shared_page_has_no_way_into_the_app(client, link, dataset, owner):
    client.force_login(owner)  # even for a team member who opens the link
    html = client.get(shared(link)).content.decode()
    assert f'href="{reverse("lifecycle:home")}"' not in html
    assert "Log out" not in html
    assert link.demo.project.get_absolute_url() not in html


def test_every_visit_is_counted_but_not_each_filter(client, link, dataset):
    client.get(shared(link))
    client.get(shared(link))
    client.get(shared(link, label=0), headers={"HX-Request": "true", "HX-Target": "results"})
    link.refresh_from_db()
    assert link.view_count == 2


def test_filter_by_label(client, link, dataset):
    html = client.get(shared(link, label=0)).content.decode()  # Strong match: ≥ 0.8
    assert "Printer on fire" in html and "Server down" in html
    assert "Password reset" not in html and "Newsletter" not in html
    assert "2 examples labelled “Strong match”" in html


def test_filtering_with_htmx_answers_with_the_results_only(client, link, dataset):
    response = client.get(
        shared(link, label=2), headers={"HX-Request": "true", "HX-Target": "results"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "Newsletter" in html and "Printer on fire" not in html


def test_search_the_text(client, link, dataset):
    html = client.get(shared(link, q="LOG+IN")).content.decode()
    assert "Password reset" in html
    assert "Printer on fire" not in html


def test_images_only_from_web_addresses_with_alt_text(client, link, dataset):
    response = client.get(shared(link))
    html = response.content.decode()
    assert (
        '<img class="card-image" src="https://example.com/a.png" alt="Photo: Server down"' in html
    )
    assert "https:" in response["Content-Security-Policy"]


def test_pages_follow_the_scores_down(client, demo, link):
    make_dataset(demo, [1 - i / 100 for i in range(60)])
    first = client.get(shared(link)).context
    assert [c.example.external_id for c in first["cards"]][:2] == ["t1", "t2"]
    assert first["next_url"] and not first["previous_url"]
    second = client.get(first["next_url"]).context
    assert second["cards"][0].example.external_id == f"t{PER_PAGE + 1}"
    back = client.get(second["previous_url"]).context
    assert [c.example.external_id for c in back["cards"]] == [
        f"t{i}" for i in range(1, PER_PAGE + 1)
    ]


def test_a_page_shows_a_few_examples_however_many_there_are(client, demo, link):
    """A phone shows one page at a time: a short column, not hundreds of cards."""
    make_dataset(demo, [i / 300 for i in range(300)])
    html = client.get(shared(link)).content.decode()
    assert 5 <= PER_PAGE <= 10
    assert html.count('class="example-card"') == PER_PAGE
    assert f"Page 1 of {300 // PER_PAGE}" in html
    assert f"showing 1 to {PER_PAGE}" in html


def test_turning_pages_keeps_the_label_and_the_search(client, demo, link):
    texts = [{"title": f"Ticket {i}", "text": "printer" if i % 2 else "login"} for i in range(40)]
    make_dataset(demo, [0.99 - i / 1000 for i in range(40)], fields=texts)  # all Strong match
    first = client.get(shared(link, label=0, q="printer"))
    second = client.get(first.context["next_url"])
    assert "label=0" in first.context["next_url"] and "q=printer" in first.context["next_url"]
    titles = [card.shown.title for card in second.context["cards"]]
    assert len(titles) == PER_PAGE
    assert all(int(title.split()[1]) % 2 for title in titles)  # still only printer tickets
    assert not set(titles) & {card.shown.title for card in first.context["cards"]}
    html = second.content.decode()
    assert "Page 2" in html
    # Judging an example there comes back to the same page, filters and all.
    assert 'name="next" value="' + second.context["here"].replace("&", "&amp;") in html
    assert "label=0" in second.context["here"] and "p=2" in second.context["here"]


def test_the_pager_turns_pages_in_place_and_without_javascript(client, demo, link):
    make_dataset(demo, [i / 30 for i in range(30)])
    first = client.get(shared(link)).context
    html = client.get(first["next_url"]).content.decode()  # a plain link: no JavaScript needed
    assert "Page 2 of 5" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert 'hx-swap="outerHTML show:#results:top"' in html
    part = client.get(first["next_url"], headers={"HX-Request": "true", "HX-Target": "results"})
    assert part.content.decode().lstrip().startswith('<div id="results"')
    assert "Page 2 of 5" in part.content.decode()


def test_a_deep_page_costs_no_more_queries_than_the_first(client, demo, link):
    make_dataset(demo, [i / 600 for i in range(600)])
    context = client.get(shared(link)).context
    with CaptureQueriesContext(connection) as first:
        client.get(shared(link))
    for _ in range(20):
        context = client.get(context["next_url"]).context
    with CaptureQueriesContext(connection) as deep:
        client.get(context["next_url"])
    assert len(deep) <= len(first) + 1  # + the cursor's own row


def test_query_count_stays_flat_as_rows_grow(client, demo, link, django_assert_max_num_queries):
    small = make_dataset(demo, [0.5] * 10, version="small")
    with CaptureQueriesContext(connection) as few:
        client.get(shared(link, v=small.pk))
    big = make_dataset(demo, [i / 500 for i in range(500)], version="big")
    client.get(shared(link, v=big.pk))  # the first visit counts the labels once
    with CaptureQueriesContext(connection) as many:
        client.get(shared(link, v=big.pk, label=1))
    assert len(many) <= len(few)
    with django_assert_max_num_queries(12):
        client.get(shared(link, v=big.pk))


def test_label_counts_are_not_recounted_on_every_page(client, demo, link):
    make_dataset(demo, [0.9, 0.6, 0.1])
    client.get(shared(link))
    with CaptureQueriesContext(connection) as queries:
        client.get(shared(link))
    assert not any("CASE" in query["sql"] for query in queries)


def test_an_expired_link_says_so(client, link, dataset):
    link.expires_at = timezone.now() - datetime.timedelta(hours=1)
    link.save()
    response = client.get(shared(link))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Olivia Owner" in response.content.decode()  # who to ask


def test_a_revoked_link_says_so(client, link, dataset):
    share_link_revoke(link=link)
    response = client.get(shared(link))
    assert response.status_code == 410
    assert "switched off" in response.content.decode()
    assert "Printer on fire" not in response.content.decode()


def test_an_unknown_link_is_not_found(client, link):
    response = client.get(reverse("demos:shared_demo", args=[link.token[:-3] + "abc"]))
    assert response.status_code == 404
    assert "does not open anything" in response.content.decode()


def test_feedback_through_a_link_in_place(client, link, dataset):
    example = dataset.examples.get(external_id="t1")
    url = reverse("demos:shared_feedback", args=[link.token, example.pk])
    response = client.post(
        url, {"verdict": "agree", "comment": "Yes, urgent"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You agree with this label" in html and "Yes, urgent" in html
    client.post(url, {"verdict": "disagree"}, headers={"HX-Request": "true"})
    (feedback,) = Feedback.objects.all()
    assert (feedback.verdict, feedback.link, feedback.user) == ("disagree", link, None)
    page = client.get(shared(link)).content.decode()
    assert "You disagree with this label" in page


def test_feedback_by_plain_post_goes_back_to_the_card(client, link, dataset):
    example = dataset.examples.get(external_id="t2")
    url = reverse("demos:shared_feedback", args=[link.token, example.pk])
    response = client.post(url, {"verdict": "unsure", "next": shared(link, label=1)})
    assert response.status_code == 302
    assert response["Location"] == shared(link, label=1) + f"#example-{example.pk}"


def test_feedback_never_redirects_elsewhere(client, link, dataset):
    example = dataset.examples.first()
    url = reverse("demos:shared_feedback", args=[link.token, example.pk])
    response = client.post(url, {"verdict": "agree", "next": "https://evil.example/"})
    assert response["Location"].startswith(shared(link))


def test_feedback_is_counted_per_link(client, demo, owner, dataset):
    first, second = share_link_create(demo=demo, by=owner), share_link_create(demo=demo, by=owner)
    for example in dataset.examples.all():
        client.post(
            reverse("demos:shared_feedback", args=[first.token, example.pk]), {"verdict": "agree"}
        )
    client.post(
        reverse("demos:shared_feedback", args=[second.token, dataset.examples.first().pk]),
        {"verdict": "unsure"},
    )
    assert (first.feedback.count(), second.feedback.count()) == (4, 1)


def test_a_bad_verdict_is_refused(client, link, dataset):
    example = dataset.examples.first()
    url = reverse("demos:shared_feedback", args=[link.token, example.pk])
    response = client.post(url, {"verdict": "maybe"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert not Feedback.objects.exists()


def test_a_link_cannot_judge_another_demos_example(client, link, dataset, project, owner):
    other = demo_create(project=project, title="Secret demo", by=owner)
    secret = make_dataset(other, [0.9], fields=[{"title": "Secret ticket", "text": ""}])
    example = secret.examples.get()
    url = reverse("demos:shared_feedback", args=[link.token, example.pk])
    assert client.post(url, {"verdict": "agree"}).status_code == 404
    assert not Feedback.objects.exists()


def test_a_link_cannot_show_another_demos_dataset(client, link, dataset, project, owner):
    other = demo_create(project=project, title="Secret demo", by=owner)
    secret = make_dataset(other, [0.9], fields=[{"title": "Secret ticket", "text": ""}])
    html = client.get(shared(link, v=secret.pk)).content.decode()
    assert "Secret ticket" not in html
    assert "Printer on fire" in html


def test_a_revoked_link_cannot_judge(client, link, dataset):
    share_link_revoke(link=link)
    example = dataset.examples.first()
    url = reverse("demos:shared_feedback", args=[link.token, example.pk])
    assert client.post(url, {"verdict": "agree"}).status_code == 410
    assert not Feedback.objects.exists()


def test_examples_of_an_unfinished_upload_are_not_shown(client, demo, link, dataset):
    unfinished = make_dataset(demo, [0.9], version="v2", fields=[{"title": "Half", "text": ""}])
    unfinished.ready = False
    unfinished.save()
    html = client.get(shared(link)).content.decode()
    assert "Half" not in html and "Printer on fire" in html


def test_a_signed_in_reader_judges_as_themselves(client, demo, viewer, dataset):
    client.force_login(viewer)
    page = reverse("demos:demo_view", args=[demo.project.slug, demo.pk])
    assert "Printer on fire" in client.get(page).content.decode()
    example = dataset.examples.get(external_id="t3")
    url = reverse("demos:example_feedback", args=[demo.project.slug, demo.pk, example.pk])
    client.post(url, {"verdict": "agree"}, headers={"HX-Request": "true"})
    (feedback,) = Feedback.objects.all()
    assert (feedback.user, feedback.link) == (viewer, None)
    assert "You agree with this label" in client.get(page).content.decode()


def test_multiclass_cards_show_the_class_and_a_confidence_word(client, demo, link):
    make_dataset(
        demo,
        [0.91, 0.55],
        classes=["billing", "outage"],
        top=["outage", "billing"],
        fields=TICKETS[:2],
    )
    html = client.get(shared(link)).content.decode()
    assert "Confident" in html and "Fairly sure" in html
    response = client.get(shared(link, label="billing"))
    assert [c.example.external_id for c in response.context["cards"]] == ["t2"]
