"""No lost work under concurrency (PostgreSQL): saves of one charter from the same version."""

import pytest
from django.test import Client
from django.urls import reverse

from lifecycle.models import Charter
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)

SAVES = 50


def test_fifty_saves_from_one_version_accept_one_and_tell_the_others(project, editor):
    url = reverse("lifecycle:charter_edit", args=[project.slug])
    clients = []
    for _ in range(SAVES):
        client = Client()
        client.force_login(editor)
        clients.append(client)

    def save(number: int, client: Client):
        return lambda: client.post(url, {"problem": f"Wording number {number}", "version": 1})

    responses = at_once([save(i, client) for i, client in enumerate(clients)])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] + [409] * (SAVES - 1)
    accepted = next(i for i, r in enumerate(responses) if r.status_code == 302)
    for number, response in enumerate(responses):
        if number != accepted:  # the conflict screen keeps their text and shows what changed
            content = response.content.decode()
            assert f"Wording number {number}" in content
            assert f"Wording number {accepted}" in content
    charter = Charter.objects.get(project=project)
    assert (charter.version, charter.problem) == (2, f"Wording number {accepted}")
    history = charter.history.order_by("history_date")
    assert [(h.version, h.problem) for h in history][1:] == [(2, f"Wording number {accepted}")]
    assert history.count() == 2  # the first version, and the one save accepted
