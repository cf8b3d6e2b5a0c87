"""Who may see and change a demo. Every demo view and API endpoint goes through here.

Team pages follow the project's rules (lifecycle.access). A share link opens one demo, read
and judge only, with no account.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lifecycle.access import EDIT, READ, ProjectAccess, reachable

from .models import Demo, ShareLink, UploadJob


@dataclass(frozen=True)
class DemoAccess:
    demo: Demo
    project_access: ProjectAccess

    @property
    def can_edit(self) -> bool:
        return self.project_access.can_edit


def _get_demo(user, demo_id: int, needed_rank: int, project_slug: str | None) -> DemoAccess:
    demos = Demo.objects.select_related("project", "project__team", "scale").filter(pk=demo_id)
    if project_slug is not None:
        demos = demos.filter(project__slug=project_slug)
    found = reachable(user, demos, project="project")
    if found is None:
        raise Http404("No such demo.")
    demo, access = found
    if access.rank < needed_rank:
        raise PermissionDenied("Your role on this project does not allow that change.")
    assert isinstance(demo, Demo)
    return DemoAccess(demo, access)


def get_demo_for_reader(user, demo_id: int, project_slug: str | None = None) -> DemoAccess:
    return _get_demo(user, demo_id, READ, project_slug)


def get_demo_for_editor(user, demo_id: int, project_slug: str | None = None) -> DemoAccess:
    return _get_demo(user, demo_id, EDIT, project_slug)


def get_job_for_reader(user, job_id: int) -> UploadJob:
    """An upload job of a demo the user may read (its dataset and the version that dataset is
    live traffic of come along); 404 for anyone else, as for an unknown id."""
    jobs = UploadJob.objects.select_related(
        "demo__project__team", "demo__scale", "dataset__live_of"
    ).filter(pk=job_id)
    found = reachable(user, jobs, project="demo__project")
    if found is None:
        raise Http404("No such job.")
    job = found[0]
    assert isinstance(job, UploadJob)
    return job


class LinkUnusable(Exception):
    """A share link that does not open its demo; `reason` is unknown, revoked or expired."""

    def __init__(self, reason: str, link: ShareLink | None = None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


def get_share_link(token: str) -> ShareLink:
    """The usable link for `token`, or LinkUnusable saying plainly why not."""
    public_id = ShareLink.public_id_from_token(token)
    link = (
        ShareLink.objects.select_related("demo", "demo__project", "demo__scale")
        .filter(public_id=public_id)
        .first()
        if public_id
        else None
    )
    if link is None:
        raise LinkUnusable("unknown")
    if link.is_revoked:
        raise LinkUnusable("revoked", link)
    if link.is_expired:
        raise LinkUnusable("expired", link)
    return link
