"""Every change to a document is kept, with who, when and a readable diff."""

import pytest
from django.urls import reverse

from lifecycle import services
from lifecycle.selectors.history import project_history, text_diff
from lifecycle.views.projects import HISTORY_PER_PAGE
from tests.factories import add_criterion, add_risk

pytestmark = pytest.mark.django_db


def test_history_records_each_charter_change_with_author_and_diff(client, project, owner, editor):
    client.force_login(editor)
    url = reverse("lifecycle:charter_edit", args=[project.slug])
    client.post(url, {"problem": "Tickets go to the wrong queue.", "version": 1})
    client.force_login(owner)
    client.post(url, {"problem": "Tickets often go to the wrong queue.", "version": 2})

    entries = [e for e in project_history(project) if e.section == "Charter"]
    assert [(e.user, e.action) for e in entries[:2]] == [(owner, "changed"), (editor, "changed")]
    latest = entries[0].changes[0]
    assert latest.label == "Problem statement"
    assert latest.old == "Tickets go to the wrong queue."
    assert latest.new == "Tickets often go to the wrong queue."
    assert latest.diff == "Tickets<ins> often</ins> go to the wrong queue."


def test_history_page_shows_changes_to_criteria_and_risks(client, project, owner):
    criterion = add_criterion(project, owner, name="Tickets routed right", target=80)
    services.document_save(
        instance=criterion, fields={"target": 85.0}, expected_version=1, by=owner
    )
    risk = add_risk(project, owner, title="Label drift")
    services.document_delete(instance=risk, expected_version=1, by=owner)

    client.force_login(owner)
    content = client.get(reverse("lifecycle:project_history", args=[project.slug])).content
    content = content.decode()
    assert "success criterion</span> “Tickets routed right”" in content
    assert "<del>80</del><ins>85</ins>" in content
    assert 'deleted <span class="section-name">risk</span> “Label drift”' in content


def test_saves_that_change_nothing_visible_are_not_listed(project, owner):
    services.document_save(
        instance=project.stop_rule, fields={"text": ""}, expected_version=1, by=owner
    )
    assert not [e for e in project_history(project) if e.section == "Stop rule" and e.changes]
    assert [e.action for e in project_history(project) if e.section == "Stop rule"] == ["created"]


def test_text_diff_escapes_html():
    diff = text_diff("<b>old</b>", "<b>new</b>")
    assert "<b>" not in diff
    assert "&lt;b&gt;" in diff


def test_history_comes_a_page_at_a_time(client, project, owner):
    for n in range(HISTORY_PER_PAGE + 5):
        add_risk(project, owner, title=f"Risk {n}")
    client.force_login(owner)
    url = reverse("lifecycle:project_history", args=[project.slug])
    first = client.get(url)
    assert len(first.context["page"].object_list) == HISTORY_PER_PAGE <= 25
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(url + "?page=2")
    assert "“Risk 0”" in second.content.decode()  # the oldest change, on the last page


def test_history_page_query_count_does_not_grow_with_entries(
    client, project, owner, django_assert_max_num_queries
):
    client.force_login(owner)
    url = reverse("lifecycle:project_history", args=[project.slug])

    def queries_for_page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries_for_page()
    for n in range(15):
        add_criterion(project, owner, name=f"Criterion {n}")
        add_risk(project, owner, title=f"Risk {n}")
        services.document_save(
            instance=project.charter,
            fields={"problem": f"Version {n}"},
            expected_version=project.charter.version,
            by=owner,
        )
        project.charter.refresh_from_db()
    assert queries_for_page() == few


def test_a_new_risk_owner_is_shown_by_name(project, owner, editor):
    risk = add_risk(project, owner, owner=owner)
    services.document_save(instance=risk, fields={"owner": editor}, expected_version=1, by=owner)
    entry = next(e for e in project_history(project) if e.section == "Risk")
    change = next(c for c in entry.changes if c.label == "Owner")
    assert (change.old, change.new) == ("Olivia Owner", "Eddie Editor")
