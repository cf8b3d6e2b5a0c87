"""The people and objects the access matrix (tests/test_access_matrix.py) requests routes with.

Two teams: ours ("Growth": owner, editor, viewer) with a project holding one of every kind of
object, and another ("Skunkworks", whose owner is our outsider) with the same kinds under
titles that must never show up on our side. A portfolio manager and a superuser belong to no
team. Share-link holders are anonymous browsers that opened their link (valid, tampered,
expired or revoked) before they try anything else.

`CALLS` says how to request each route: which object fills each URL kwarg and what a POST
sends. A kwarg not named there is filled by its name (`DEFAULT_KWARGS`).
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.services.notifications import notify
from api.services import api_token_create
from demos.models import SHARE_LINK_SALT
from demos.services import feedback_record
from lifecycle.models import Alert
from lifecycle.services.digests import unsubscribe_token
from lifecycle.weeks import week_start

from .factories import (
    SCALE,
    add_criterion,
    add_risk,
    make_dataset,
    make_demo,
    make_experiment,
    make_project,
    make_share_link,
    make_team,
    make_upload_job,
    make_user,
    watch,
)

ANONYMOUS, OUTSIDER, VIEWER, EDITOR, OWNER = "anonymous", "outsider", "viewer", "editor", "owner"
MANAGER, SUPERUSER = "manager", "superuser"
LINK_VALID, LINK_TAMPERED = "link valid", "link tampered"
LINK_EXPIRED, LINK_REVOKED = "link expired", "link revoked"
LINK_HOLDERS = (LINK_VALID, LINK_TAMPERED, LINK_EXPIRED, LINK_REVOKED)
SIGNED_IN = (OUTSIDER, VIEWER, EDITOR, OWNER, MANAGER, SUPERUSER)
ACTORS = (ANONYMOUS, *SIGNED_IN, *LINK_HOLDERS)

# The kinds of object a URL kwarg, a query or a body names by id.
KINDS = (
    "project",
    "demo",
    "dataset",
    "dataset2",
    "job",
    "experiment",
    "criterion",
    "spare_criterion",
    "risk",
    "example",  # and through it, its feedback
    "link",
    "series",
    "alert",
    "exit_item",
    "notification",
    "token",
    "team",
    "membership",  # a member of the team (ours: the viewer), for the team pages
)

# Ids and slugs that name nothing, for "a foreign id answers as a missing one".
MISSING_PK = 987_654_321
MISSING_SLUG = "no-such-project-anywhere"


class Gone:
    """Another team's object as if it did not exist: its id and slug name nothing, and
    everything else (a name sent in a body, say) is the same, so that only existence differs."""

    pk = id = MISSING_PK
    slug = MISSING_SLUG

    def __init__(self, like):
        self._like = like

    def __getattr__(self, name):
        return getattr(self._like, name)


@dataclass(frozen=True)
class Objects:
    """One team's objects, as the URL kwargs and POST bodies use them."""

    project: Any
    criterion: Any
    spare_criterion: Any  # not watched yet: what watch_new may watch
    risk: Any
    exit_item: Any
    series: Any
    alert: Any
    experiment: Any
    demo: Any
    dataset: Any
    dataset2: Any
    example: Any
    feedback: Any
    job: Any
    link: Any
    week: datetime.date
    notification: Any = None
    token: Any = None  # an API token (its row), for the profile's revoke route
    team: Any = None
    membership: Any = None
    share_token: str = ""  # the share link token this actor presents
    digest_token: str = ""
    title_words: tuple[str, ...] = ()  # what must never show outside the team

    def but(self, **changes) -> "Objects":
        return replace(self, **changes)

    def with_theirs(self, theirs: "Objects", kinds) -> tuple["Objects", "Objects"]:
        """These objects with `kinds` taken from `theirs`, and the same with those gone."""
        foreign = {kind: getattr(theirs, kind) for kind in kinds}
        gone = {kind: Gone(value) for kind, value in foreign.items()}
        return self.but(**foreign), self.but(**gone)


@dataclass
class World:
    users: dict[str, User]
    api_secrets: dict[str, str]
    ours: Objects
    theirs: Objects
    link_tokens: dict[str, str] = field(default_factory=dict)
    unknown_link_token: str = ""

    def objects_for(self, actor: str) -> Objects:
        """Our objects, with the share token this actor holds (an unknown one if none)."""
        return self.ours.but(share_token=self.link_tokens.get(actor, self.unknown_link_token))


def _team_objects(team, owner, *, project_name, words, reader) -> Objects:
    project = make_project(team, owner, name=project_name)
    criterion = add_criterion(project, owner, name=f"{words} accuracy")
    spare = add_criterion(project, owner, name=f"{words} handling time", direction="lower")
    risk = add_risk(project, owner, title=f"{words} risk")
    exit_item = project.stages.get(kind="ideation").exit_criteria.create(text=f"{words} agreed")
    series = watch(project, owner, criterion=criterion)
    alert = Alert.objects.create(
        project=project, kind="quiet", subject=f"criterion:{criterion.pk}", title=f"{words} quiet"
    )
    experiment = make_experiment(project, owner, title=f"{words} baseline")
    demo = make_demo(project, owner, title=f"{words} demo")
    dataset = make_dataset(demo, [0.95, 0.6, 0.2])
    dataset2 = make_dataset(demo, [0.7, 0.6, 0.1], version="v2")
    example = dataset.examples.order_by("row").first()
    link = make_share_link(demo, owner)
    feedback = feedback_record(example=example, verdict="agree", link=link, tell=False)
    feedback_record(example=example, verdict="agree", user=reader, tell=False)
    job = make_upload_job(demo)
    return Objects(
        project=project,
        criterion=criterion,
        spare_criterion=spare,
        risk=risk,
        exit_item=exit_item,
        series=series,
        alert=alert,
        experiment=experiment,
        demo=demo,
        dataset=dataset,
        dataset2=dataset2,
        example=example,
        feedback=feedback,
        job=job,
        link=link,
        team=team,
        membership=team.memberships.get(user=reader),
        week=week_start(timezone.localdate()),
        title_words=(project_name, words),
    )


def tampered(token: str) -> str:
    """The same link id with a signature that does not match."""
    value, _, signature = token.rpartition(":")
    return f"{value}:{signature[::-1]}"


def build_world() -> World:
    users = {
        OWNER: make_user("olivia", email="olivia@example.com"),
        EDITOR: make_user("eddie", email="eddie@example.com"),
        VIEWER: make_user("vera", email="vera@example.com"),
        OUTSIDER: make_user("otto", email="otto@example.com"),
        MANAGER: make_user("maya", email="maya@example.com"),
        SUPERUSER: User.objects.create_superuser("root", "root@example.com", "pw"),
    }
    managers, _ = Group.objects.get_or_create(name="Portfolio managers")
    managers.permissions.add(Permission.objects.get(codename="view_all_projects"))
    users[MANAGER].groups.add(managers)
    growth = make_team(
        "Growth",
        members={users[OWNER]: "owner", users[EDITOR]: "editor", users[VIEWER]: "viewer"},
    )
    skunkworks = make_team("Skunkworks", members={users[OUTSIDER]: "owner"})
    ours = _team_objects(
        growth, users[OWNER], project_name="Churn prediction", words="Ours", reader=users[VIEWER]
    )
    theirs = _team_objects(
        skunkworks,
        users[OUTSIDER],
        project_name="Zebra acquisition",
        words="Quagga",
        reader=users[OUTSIDER],
    )
    api_secrets = {
        name: api_token_create(user=user, name="matrix")[1] for name, user in users.items()
    }
    links = {
        LINK_VALID: ours.link,
        LINK_EXPIRED: make_share_link(ours.demo, users[OWNER], state="expired"),
        LINK_REVOKED: make_share_link(ours.demo, users[OWNER], state="revoked"),
    }
    link_tokens = {actor: link.token for actor, link in links.items()}
    link_tokens[LINK_TAMPERED] = tampered(ours.link.token)
    mine = notify(users=[users[VIEWER]], kind="other", title="Ours note", url="/")[0]
    theirs_note = notify(users=[users[OUTSIDER]], kind="other", title="Quagga note", url="/")[0]
    ours = ours.but(
        notification=mine,
        token=users[OWNER].api_tokens.get(),
        digest_token=unsubscribe_token(email="olivia@example.com", kind="member"),
    )
    theirs = theirs.but(notification=theirs_note, token=users[OUTSIDER].api_tokens.get())
    return World(
        users=users,
        api_secrets=api_secrets,
        ours=ours,
        theirs=theirs,
        link_tokens=link_tokens,
        unknown_link_token=signing.Signer(salt=SHARE_LINK_SALT).sign(uuid.uuid4().hex),
    )


# How to request each route ------------------------------------------------------------------

Fill = Callable[[Objects], Any]

DEFAULT_KWARGS: dict[str, Fill] = {
    "slug": lambda o: o.project.slug,
    "demo_id": lambda o: o.demo.pk,
    "job_id": lambda o: o.job.pk,
    "dataset_id": lambda o: o.dataset2.pk,
    "link_id": lambda o: o.link.pk,
    "example_id": lambda o: o.example.pk,
    "monday": lambda o: o.week,
    "token": lambda o: o.share_token,
    "team": lambda o: o.team.slug,
}


@dataclass(frozen=True)
class Call:
    """How to request one route: its URL kwargs beyond the defaults, and what a POST sends."""

    kwargs: dict[str, Fill] = field(default_factory=dict)
    post: Fill = lambda o: {}  # noqa: E731
    query: Fill = lambda o: {}  # noqa: E731
    path: str = ""  # for routes without a name


def pk(name: str) -> Fill:
    return lambda o: getattr(o, name).pk


def fixed(value) -> Fill:
    return lambda o: value


def _upload(o):
    csv = b"id,score,title\nn1,0.9,Printer on fire\nn2,0.1,Newsletter\n"
    return {
        "file": SimpleUploadedFile("out.csv", csv),
        "model_version": "v3",
        "id_column": "id",
        "score_column": "score",
        "display_columns": "title",
    }


CRITERION_FORM = {
    "name": "Renamed",
    "kind": "business",
    "metric": "m",
    "baseline": 1,
    "target": 2,
    "direction": "higher",
    "version": 1,
}
RISK_FORM = {
    "title": "Drift",
    "category": "data",
    "likelihood": 2,
    "impact": 3,
    "status": "open",
    "version": 1,
}

CALLS: dict[str, Call] = {
    # Django's own account pages
    "password_reset_confirm": Call(kwargs={"uidb64": fixed("MQ"), "token": fixed("set-password")}),
    # The API's fallbacks (its operations come from the OpenAPI schema, see API_CALLS)
    "<unnamed> api/v1/": Call(path="/api/v1/"),
    "<unnamed> api/v1/ (any other path)": Call(path="/api/v1/no/such/endpoint"),
    # accounts
    "accounts:token_create": Call(post=fixed({"name": "CI"})),
    "accounts:token_revoke": Call(kwargs={"pk": pk("token")}),
    "notifications:open": Call(kwargs={"pk": pk("notification")}),
    "notifications:read": Call(kwargs={"pk": pk("notification")}),
    # teams: the owner adds the manager (in no team), changes the viewer's role, removes them
    "teams:member_add": Call(post=fixed({"who": "maya", "role": "editor"})),
    "teams:member_role": Call(
        kwargs={"pk": pk("membership")}, post=fixed({"role": "editor", "was": "viewer"})
    ),
    "teams:member_remove": Call(kwargs={"pk": pk("membership")}),
    # lifecycle
    "lifecycle:project_new": Call(
        post=lambda o: {"name": "Invoice extraction", "team": o.project.team_id, "summary": ""}
    ),
    "lifecycle:portfolio_column": Call(kwargs={"column": fixed("ideation")}),
    "lifecycle:project_blocker": Call(post=fixed({"blocker": "Waiting for data", "expected": ""})),
    "lifecycle:project_section": Call(kwargs={"section": fixed("criteria")}),
    "lifecycle:details_edit": Call(
        post=lambda o: {"name": "Renamed", "summary": "", "owner": o.project.owner_id, "version": 1}
    ),
    "lifecycle:charter_edit": Call(post=fixed({"problem": "New", "version": 1})),
    "lifecycle:stop_rule_edit": Call(post=fixed({"text": "Stop", "version": 1})),
    "lifecycle:criterion_new": Call(post=fixed({**CRITERION_FORM, "version": ""})),
    "lifecycle:criterion_edit": Call(kwargs={"pk": pk("criterion")}, post=fixed(CRITERION_FORM)),
    "lifecycle:criterion_delete": Call(
        kwargs={"pk": pk("spare_criterion")}, post=fixed({"version": 1})
    ),
    "lifecycle:risk_new": Call(post=fixed({**RISK_FORM, "version": ""})),
    "lifecycle:risk_edit": Call(kwargs={"pk": pk("risk")}, post=fixed(RISK_FORM)),
    "lifecycle:risk_delete": Call(kwargs={"pk": pk("risk")}, post=fixed({"version": 1})),
    "lifecycle:stage_edit": Call(
        kwargs={"kind": fixed("ideation")}, post=fixed({"goals": "Agree", "version": 1})
    ),
    "lifecycle:exit_criterion_add": Call(
        kwargs={"kind": fixed("ideation")}, post=fixed({"text": "Baseline measured"})
    ),
    "lifecycle:exit_criterion_toggle": Call(
        kwargs={"kind": fixed("ideation"), "pk": pk("exit_item")}, post=fixed({"done": "on"})
    ),
    "lifecycle:exit_criterion_delete": Call(
        kwargs={"kind": fixed("ideation"), "pk": pk("exit_item")}
    ),
    "lifecycle:project_move": Call(
        post=fixed({"to_stage": "data_collection", "reason": "Problem agreed"})
    ),
    "lifecycle:project_ship": Call(post=fixed({"note": "Live"})),
    "lifecycle:project_stop": Call(post=fixed({"stop_reason": "no_data", "note": "No labels"})),
    "lifecycle:project_reopen": Call(post=fixed({"reason": "New data"})),
    "lifecycle:experiment_new": Call(
        post=fixed({"title": "Fine-tune", "hypothesis": "Context helps", "outcome": "planned"})
    ),
    "lifecycle:week_review_edit": Call(
        post=fixed({"likelihood": 50, "likelihood_reason": "Half way", "version": 1})
    ),
    "lifecycle:experiment_edit": Call(
        kwargs={"pk": pk("experiment")},
        post=fixed({"title": "T", "hypothesis": "H", "outcome": "supported", "version": 1}),
    ),
    "lifecycle:experiment_move": Call(
        kwargs={"pk": pk("experiment")}, post=fixed({"direction": "down"})
    ),
    "lifecycle:reading_add": Call(
        kwargs={"pk": pk("experiment")},
        post=lambda o: {"criterion": o.criterion.pk, "value": "0.7"},
    ),
    "lifecycle:monitoring_plan": Call(
        post=fixed({"model_version": "v3", "trained_on": "2026-11-02", "retrain_every_days": 90})
    ),
    "lifecycle:watch_new": Call(
        post=lambda o: {
            "criterion": o.spare_criterion.pk,
            "expected_every_hours": 24,
            "alert_threshold": 300,
            "tell": "editors",
        }
    ),
    "lifecycle:watch_edit": Call(
        kwargs={"pk": pk("series")},
        post=lambda o: {
            "criterion": o.criterion.pk,
            "expected_every_hours": 12,
            "alert_threshold": 65,
            "tell": "team",
            "version": 1,
        },
    ),
    "lifecycle:watch_delete": Call(kwargs={"pk": pk("series")}, post=fixed({"version": 1})),
    "lifecycle:alert_acknowledge": Call(kwargs={"pk": pk("alert")}, post=fixed({"note": "On it"})),
    "lifecycle:alert_resolve": Call(kwargs={"pk": pk("alert")}, post=fixed({"note": "Fixed"})),
    "lifecycle:digest_subscribe": Call(post=fixed({"email": "pat@example.com", "name": "Pat"})),
    "lifecycle:digest_project_unsubscribe": Call(post=fixed({"email": "pat@example.com"})),
    "lifecycle:digest_preferences": Call(post=fixed({"member": "on"})),
    "lifecycle:digest_unsubscribe": Call(kwargs={"token": lambda o: o.digest_token}),
    # demos
    "demos:demo_new": Call(post=fixed({"title": "New", "kind": "stars"})),
    "demos:demo_edit": Call(
        post=lambda o: {"title": "Urgent tickets", "intro": "", "version": o.demo.version}
    ),
    "demos:demo_section": Call(kwargs={"part": fixed("datasets")}),
    "demos:dataset_upload": Call(post=_upload),
    "demos:scale_edit": Call(post=fixed({**SCALE, "op": "save"})),
    "demos:scale_preview": Call(post=fixed(SCALE)),
    "demos:agreement_record": Call(
        post=lambda o: {"dataset": o.dataset.pk, "criterion": o.criterion.pk, "band": ""}
    ),
    "demos:share_link_new": Call(post=fixed({"viewer_name": "Head of support", "days": 7})),
    "demos:compare": Call(query=lambda o: {"a": o.dataset.pk, "b": o.dataset2.pk}),
    "demos:dataset_live": Call(
        post=lambda o: {"dataset": o.dataset2.pk, "reference": o.dataset.pk}
    ),
    "demos:example_feedback": Call(post=fixed({"verdict": "disagree", "comment": "Not urgent"})),
    "demos:shared_feedback": Call(post=fixed({"verdict": "disagree", "comment": "Not urgent"})),
}


def api_json(body: dict) -> Fill:
    return lambda o: body


API_CALLS: dict[str, Call] = {
    "PATCH /api/v1/projects/{slug}": Call(post=api_json({"version": 1, "problem": "New"})),
    "POST /api/v1/projects/{slug}/experiments": Call(post=api_json({"title": "Try it"})),
    "POST /api/v1/projects/{slug}/readings": Call(
        post=lambda o: {"readings": [{"criterion": o.criterion.name, "value": 0.5}]}
    ),
    "POST /api/v1/projects/{slug}/demos": Call(post=api_json({"title": "T"})),
    "POST /api/v1/demos/{demo_id}/datasets": Call(
        post=lambda o: {
            "model_version": "v7",
            "file": SimpleUploadedFile("outputs.csv", b"id,score\nt1,0.9\nt2,0.1\n"),
        }
    ),
    "PUT /api/v1/demos/{demo_id}/datasets/{dataset_id}/live": Call(
        post=api_json({"live_of": "v1"})
    ),
}
