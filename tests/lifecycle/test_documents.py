"""Editing the shared documents: saving, validation, sanitised Markdown, conflicts, history."""

import pytest
from django.urls import reverse

from lifecycle import services
from lifecycle.models import SuccessCriterion
from tests.factories import add_criterion, add_risk

HTMX = {"HX-Request": "true"}
pytestmark = pytest.mark.django_db


def charter_url(project):
    return reverse("lifecycle:charter_edit", args=[project.slug])


def test_editor_saves_the_charter_in_place(client, project, editor):
    client.force_login(editor)
    response = client.post(
        charter_url(project),
        {"problem": "Agents route 40% of tickets to the wrong queue.", "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#charter"
    assert "project-changed" in response["HX-Trigger"]
    assert "Agents route 40% of tickets" in response.content.decode()
    project.charter.refresh_from_db()
    assert project.charter.problem == "Agents route 40% of tickets to the wrong queue."
    assert project.charter.version == 2


def test_charter_save_without_htmx_redirects_to_the_section(client, project, editor):
    client.force_login(editor)
    response = client.post(charter_url(project), {"problem": "Plain post", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"{project.get_absolute_url()}#charter"


def test_edit_form_without_htmx_is_a_full_page(client, project, editor):
    client.force_login(editor)
    content = client.get(charter_url(project)).content.decode()
    assert "<html" in content
    assert 'name="problem"' in content


def test_edit_form_with_htmx_is_only_the_fragment(client, project, editor):
    client.force_login(editor)
    content = client.get(charter_url(project), headers=HTMX).content.decode()
    assert "<html" not in content
    assert content.strip().startswith("<form")


def test_script_in_markdown_is_rendered_inert(client, project, editor):
    client.force_login(editor)
    client.post(
        charter_url(project),
        {
            "problem": "**Bold** <script>alert('x')</script> [link](javascript:alert(1))"
            ' <img src=x onerror="alert(2)">',
            "version": 1,
        },
    )
    content = client.get(project.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in content
    assert "<script>alert" not in content
    assert "javascript:" not in content
    assert "onerror" not in content


def test_concurrent_edit_is_refused_and_keeps_both_texts(client, project, owner, editor):
    # The editor opens the form at version 1; meanwhile the owner saves.
    services.document_save(
        instance=project.charter,
        fields={"problem": "Owner's wording of the problem."},
        expected_version=1,
        by=owner,
    )
    client.force_login(editor)
    response = client.post(
        charter_url(project),
        {"problem": "Editor's wording, typed at the same time.", "version": 1},
        headers=HTMX,
    )
    content = response.content.decode()
    assert response.status_code == 409
    assert "Editor&#x27;s wording, typed at the same time." in content  # their text is kept
    assert "<ins>Owner&#x27;s wording of the problem.</ins>" in content  # and what changed
    assert "Olivia Owner saved this section" in content
    project.charter.refresh_from_db()
    assert project.charter.problem == "Owner's wording of the problem."  # nothing overwritten
    assert 'name="version" value="2"' in content  # a deliberate second save may go through


def test_saving_again_after_a_conflict_goes_through(client, project, owner, editor):
    services.document_save(
        instance=project.charter, fields={"problem": "First"}, expected_version=1, by=owner
    )
    client.force_login(editor)
    client.post(charter_url(project), {"problem": "Second", "version": 2})
    project.charter.refresh_from_db()
    assert project.charter.problem == "Second"
    assert project.charter.version == 3


def test_service_refuses_a_stale_version(project, owner):
    services.document_save(
        instance=project.stop_rule, fields={"text": "A"}, expected_version=1, by=owner
    )
    with pytest.raises(services.EditConflict):
        services.document_save(
            instance=project.stop_rule, fields={"text": "B"}, expected_version=1, by=owner
        )
    project.stop_rule.refresh_from_db()
    assert project.stop_rule.text == "A"


def test_criterion_target_must_beat_the_baseline(client, project, editor):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:criterion_new", args=[project.slug]),
        {
            "name": "Tickets routed right",
            "kind": "business",
            "metric": "share routed to the right queue",
            "unit": "%",
            "baseline": 60,
            "target": 50,
            "direction": "higher",
        },
        headers=HTMX,
    )
    content = response.content.decode()
    assert response.status_code == 422
    assert "the target must be above the baseline (60)" in content
    assert 'value="Tickets routed right"' in content  # typed values survive
    assert not SuccessCriterion.objects.filter(project=project).exists()


def test_criterion_names_are_unique_per_project(client, project, owner, editor):
    add_criterion(project, owner, name="Recall")
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:criterion_new", args=[project.slug]),
        {
            "name": "recall",
            "kind": "model",
            "metric": "recall",
            "target": 0.9,
            "direction": "higher",
        },
    )
    assert response.status_code == 422
    assert "already has a criterion with that name" in response.content.decode()


def test_business_and_model_criteria_are_shown_apart(client, project, owner):
    add_criterion(project, owner, name="Hours saved per agent", kind="business")
    add_criterion(project, owner, name="Macro F1", kind="model", baseline=0.6, target=0.8)
    client.force_login(owner)
    content = client.get(project.get_absolute_url()).content.decode()
    business, model = content.index("Business and user"), content.index("Model evaluation")
    assert business < content.index("Hours saved per agent") < model
    assert model < content.index("Macro F1")


def test_risk_scores_outside_one_to_five_get_a_clear_message(client, project, editor):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:risk_new", args=[project.slug]),
        {
            "title": "Labels arrive late",
            "category": "data",
            "likelihood": 7,
            "impact": 0,
            "status": "open",
        },
    )
    content = response.content.decode()
    assert response.status_code == 422
    assert "less than or equal to 5" in content
    assert "greater than or equal to 1" in content
    assert not project.risks.exists()


def test_risk_owner_must_be_a_team_member(client, project, editor, outsider):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:risk_new", args=[project.slug]),
        {
            "title": "Drift",
            "category": "data",
            "likelihood": 2,
            "impact": 2,
            "owner": outsider.pk,
            "status": "open",
        },
    )
    assert response.status_code == 422
    assert not project.risks.exists()


def test_deleting_a_risk_changed_meanwhile_is_refused(client, project, owner, editor):
    risk = add_risk(project, owner)
    services.document_save(
        instance=risk, fields={"status": "mitigated"}, expected_version=1, by=owner
    )
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:risk_delete", args=[project.slug, risk.pk]),
        {"version": 1},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "was changed by someone else" in response.content.decode()
    assert project.risks.filter(pk=risk.pk).exists()


def test_deleting_an_unchanged_risk_removes_it(client, project, owner, editor):
    risk = add_risk(project, owner)
    client.force_login(editor)
    client.post(reverse("lifecycle:risk_delete", args=[project.slug, risk.pk]), {"version": 1})
    assert not project.risks.exists()


def test_stage_dates_must_be_in_order(client, project, editor):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:stage_edit", args=[project.slug, "prototyping"]),
        {"planned_start": "2026-05-01", "planned_end": "2026-04-01", "version": 1},
    )
    assert response.status_code == 422
    assert "The planned end is before the planned start" in response.content.decode()


def test_unknown_stage_is_404(client, project, editor):
    client.force_login(editor)
    response = client.get(reverse("lifecycle:stage_edit", args=[project.slug, "launch"]))
    assert response.status_code == 404


def test_criterion_of_another_project_is_404(client, project, team, owner, editor):
    from tests.factories import make_project

    other = make_project(team, owner, name="Other")
    criterion = add_criterion(other, owner)
    client.force_login(editor)
    url = reverse("lifecycle:criterion_edit", args=[project.slug, criterion.pk])
    assert client.get(url).status_code == 404


def test_exit_criteria_can_be_added_ticked_and_removed(client, project, editor):
    client.force_login(editor)
    add = reverse("lifecycle:exit_criterion_add", args=[project.slug, "ideation"])
    client.post(add, {"text": "Success criteria agreed with the product owner"}, headers=HTMX)
    item = project.stages.get(kind="ideation").exit_criteria.get()
    toggle = reverse("lifecycle:exit_criterion_toggle", args=[project.slug, "ideation", item.pk])
    response = client.post(toggle, {"done": "on"}, headers=HTMX)
    assert response["HX-Retarget"] == "#stages"
    item.refresh_from_db()
    assert item.done
    client.post(toggle, {}, headers=HTMX)
    item.refresh_from_db()
    assert not item.done
    delete = reverse("lifecycle:exit_criterion_delete", args=[project.slug, "ideation", item.pk])
    client.post(delete, headers=HTMX)
    assert not project.stages.get(kind="ideation").exit_criteria.exists()


def test_empty_exit_criterion_is_refused_with_a_message(client, project, editor):
    client.force_login(editor)
    add = reverse("lifecycle:exit_criterion_add", args=[project.slug, "ideation"])
    response = client.post(add, {"text": "  "}, headers=HTMX)
    assert "Write the exit criterion" in response.content.decode()
    assert not project.stages.get(kind="ideation").exit_criteria.exists()


def test_editor_renames_the_project_and_changes_its_owner(client, project, editor):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:details_edit", args=[project.slug]),
        {"name": "Churn early warning", "summary": "Spot leavers", "owner": editor.pk,
         "version": 1},
    )  # fmt: skip
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.summary, project.owner) == (
        "Churn early warning",
        "Spot leavers",
        editor,
    )
    assert project.slug == "churn-prediction"  # links keep working


def test_project_owner_must_be_an_owner_or_editor_of_the_team(client, project, editor, viewer):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:details_edit", args=[project.slug]),
        {"name": "Churn", "summary": "", "owner": viewer.pk, "version": 1},
    )
    assert response.status_code == 422
    project.refresh_from_db()
    assert project.name == "Churn prediction"


def test_a_stage_move_does_not_conflict_with_editing_the_details(client, project, owner, editor):
    services.project_move_to_stage(project=project, to_stage="prototyping", by=owner, reason="Go")
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:details_edit", args=[project.slug]),
        {"name": "Churn prediction", "summary": "New summary", "owner": owner.pk, "version": 1},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.summary, project.stage) == ("New summary", "prototyping")


def test_saving_after_a_conflict_keeps_the_colleagues_other_fields(client, project, owner, editor):
    # Both opened version 1. The owner changes the audience; the editor changes the problem.
    services.document_save(
        instance=project.charter,
        fields={"audience": "Retention team"},
        expected_version=1,
        by=owner,
    )
    client.force_login(editor)
    form = {
        "problem": "Customers leave without warning.",
        "audience": "",
        "value": "",
        "behaviour_change": "",
        "delivery": "",
        "constraints": "",
        "version": 1,
    }
    content = client.post(charter_url(project), form).content.decode()
    assert "Customers leave without warning." in content  # the editor's change is kept
    assert ">\nRetention team</textarea>" in content  # the untouched field is refilled

    form.update(audience="Retention team", version=2)  # what "Save my version" sends
    client.post(charter_url(project), form)
    project.charter.refresh_from_db()
    assert project.charter.problem == "Customers leave without warning."
    assert project.charter.audience == "Retention team"


def test_stopping_ends_the_current_stage_and_reopening_resumes_it(project, owner):
    services.project_stop(project=project, by=owner, stop_reason="no_data", note="")
    ideation = project.stages.get(kind="ideation")
    assert ideation.actual_end is not None
    assert not ideation.is_overdue()
    services.project_reopen(project=project, by=owner, reason="Labels found")
    assert project.stages.get(kind="ideation").actual_end is None
