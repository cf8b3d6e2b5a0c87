import datetime

import pytest
from django.core import mail
from django.utils import timezone

from lifecycle import services
from lifecycle.reminders import overdue_reminders_send
from lifecycle.tasks import send_overdue_stage_reminders

pytestmark = pytest.mark.django_db


def make_overdue(project, owner, kind="ideation", days_late=5):
    stage = project.stages.get(kind=kind)
    today = timezone.localdate()
    return services.document_save(
        instance=stage,
        fields={
            "planned_start": today - datetime.timedelta(days=40),
            "planned_end": today - datetime.timedelta(days=days_late),
        },
        expected_version=stage.version,
        by=owner,
    )


@pytest.fixture
def owner_with_email(owner):
    owner.email = "olivia@example.com"
    owner.save()
    return owner


def test_owner_gets_one_email_listing_overdue_stages(project, owner_with_email):
    make_overdue(project, owner_with_email, "ideation", days_late=5)
    make_overdue(project, owner_with_email, "data_collection", days_late=2)
    assert send_overdue_stage_reminders.delay().get() == 2
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["olivia@example.com"]
    assert "2 stages past the planned end" in email.subject
    assert "Churn prediction: Ideation" in email.body
    assert "5 days ago" in email.body
    assert f"{project.get_absolute_url()}#stages" in email.body


def test_each_missed_date_is_reminded_once(project, owner_with_email):
    stage = make_overdue(project, owner_with_email)
    overdue_reminders_send()
    assert overdue_reminders_send() == 0
    assert len(mail.outbox) == 1
    # A new planned end that is missed again earns a new reminder.
    services.document_save(
        instance=stage,
        fields={"planned_end": timezone.localdate() - datetime.timedelta(days=1)},
        expected_version=stage.version,
        by=owner_with_email,
    )
    assert overdue_reminders_send() == 1


def test_done_stages_and_ended_projects_are_not_reminded(project, owner_with_email):
    make_overdue(project, owner_with_email)
    services.project_stop(project=project, by=owner_with_email, stop_reason="no_data", note="")
    assert overdue_reminders_send() == 0
    assert mail.outbox == []
