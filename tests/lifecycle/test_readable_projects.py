"""The read rule has one home (lifecycle/access.py): the list of projects a person may read
(readable_projects) is exactly the projects reachable lets them open."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lifecycle.access import reachable, readable_projects
from lifecycle.models import Project
from tests.factories import make_project, make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(project, owner, outsider):
    other = make_project(make_team("Elsewhere", members={outsider: "owner"}), outsider)
    return [project, other]


@pytest.mark.parametrize(
    "who", ["owner", "editor", "viewer", "outsider", "manager", "superuser", "inactive", "anon"]
)
def test_the_list_and_the_door_agree(request, portfolio, who):
    if who == "superuser":
        user = make_user("root", is_superuser=True)
    elif who == "inactive":
        user = request.getfixturevalue("editor")
        user.is_active = False
        user.save()
    elif who == "anon":
        user = AnonymousUser()
    else:
        user = request.getfixturevalue(who)
    opened = {
        p.pk for p in Project.objects.all() if reachable(user, Project.objects.filter(pk=p.pk))
    }
    listed = set(readable_projects(user).values_list("pk", flat=True))
    assert listed == opened
    expected = {
        "owner": 1, "editor": 1, "viewer": 1, "outsider": 1, "manager": 2, "superuser": 2,
        "inactive": 0, "anon": 0,
    }  # fmt: skip
    assert len(listed) == expected[who]


def test_a_subset_stays_a_subset(portfolio, manager):
    first = portfolio[0]
    assert list(readable_projects(manager, Project.objects.filter(pk=first.pk))) == [first]
