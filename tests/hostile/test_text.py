"""Every hostile text in the corpus, written where people write Markdown (a charter section on
its page, an experiment and a demo's introduction through the API): rendered harmless on the
page that shows it, or refused over the documented limit with a message naming it."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demos.forms import INTRO_MAX_CHARS
from demos.models import Demo, Example, Feedback
from demos.services import demo_create
from demos.services.processing import Columns, upload_process
from demos.services.uploads import save_upload
from lifecycle.forms import TEXT_MAX_CHARS
from lifecycle.models import Charter, Experiment
from lifecycle.templatetags.waypoint import markdown
from plumbing.text import BIDI_CONTROLS

from .corpus import TEXTS, Text

pytestmark = pytest.mark.django_db

FEEDBACK_MAX_CHARS = 2000

# Markup that runs or loads something, as it would appear unescaped in a page (escaped text in a
# form field reads &lt;script&gt;, which none of these match). The pages' own scripts are static.
DANGEROUS = [
    re.compile(r"<script(?![^>]*\ssrc=\"/static/)", re.I),
    re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    re.compile(
        r"(?:href|src|action|formaction)\s*=\s*[\"']?\s*(?:javascript|data|vbscript):", re.I
    ),
    re.compile(r"<(?:iframe|object|embed|style|base|meta http-equiv)", re.I),
    re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    re.compile(r"<form[^>]*evil", re.I),
    re.compile("[\u202a-\u202e\u2066-\u2069]"),
]

EDIT_FIELD = re.compile(r"<textarea[^>]*>.*?</textarea>", re.S)


def _charter(client, project, editor, api_as, text):
    client.force_login(editor)
    response = client.post(
        reverse("lifecycle:charter_edit", args=[project.slug]), {"problem": text, "version": 1}
    )
    return response, response.content.decode(), project.get_absolute_url()


def _experiment(client, project, editor, api_as, text):
    response = api_as(editor).post(
        f"/api/v1/projects/{project.slug}/experiments", {"title": "T", "hypothesis": text}
    )
    client.force_login(editor)
    page = reverse("lifecycle:project_log", args=[project.slug])
    return response, response.content.decode(), page


def _demo_intro(client, project, editor, api_as, text):
    response = api_as(editor).post(
        f"/api/v1/projects/{project.slug}/demos", {"title": "D", "intro": text}
    )
    client.force_login(editor)
    demo = Demo.objects.filter(project=project).first()
    page = reverse("demos:demo_detail", args=[project.slug, demo.pk]) if demo else ""
    return response, response.content.decode(), page


def _feedback(client, project, editor, api_as, text):
    demo = demo_create(project=project, title="D", by=editor)
    job = save_upload(
        demo=demo,
        uploaded=SimpleUploadedFile("o.csv", b"id,score\nt1,0.5\n"),
        model_version="v1",
        columns=Columns(id="id", score="score", classes=[], display=[]),
        by=editor,
        queue=False,
    )
    upload_process(job.pk)
    example = Example.objects.get()
    client.force_login(editor)
    response = client.post(
        reverse("demos:example_feedback", args=[project.slug, demo.pk, example.pk]),
        {"verdict": "agree", "comment": text},
    )
    page = reverse("demos:demo_detail", args=[project.slug, demo.pk])
    return response, response.content.decode(), page


def _longer_than(limit: int):
    return lambda text: len(text) > limit


MARKER = "Quillwort"  # a word no hostile text holds

# Each place: how the text is written there, and which texts it refuses (with the words).
TARGETS = {
    "charter": (_charter, _longer_than(TEXT_MAX_CHARS), str(TEXT_MAX_CHARS)),
    "experiment": (_experiment, _longer_than(TEXT_MAX_CHARS), str(TEXT_MAX_CHARS)),
    "demo-intro": (_demo_intro, _longer_than(INTRO_MAX_CHARS), str(INTRO_MAX_CHARS)),
    # Plain text from stakeholders: at most 2,000 characters, and no direction controls.
    "feedback-comment": (
        _feedback,
        lambda text: len(text) > FEEDBACK_MAX_CHARS or bool(BIDI_CONTROLS.search(text)),
        "",
    ),
}


def counts(project) -> tuple:
    charter = Charter.objects.get(project=project)
    return (
        charter.version,
        charter.problem,
        Experiment.objects.count(),
        Demo.objects.filter(intro__gt="").count(),
        Feedback.objects.count(),
    )


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", TEXTS, ids=lambda case: case.id)
def test_a_hostile_text_is_rendered_harmless_or_refused(
    case: Text, target, client, project, editor, api_as
):
    write, refuses, limit = TARGETS[target]
    # A word after the text, on its own line: the page must show it, so a page that stopped
    # showing the field cannot pass for a harmless one.
    text = case.value() + "\n\n" + MARKER
    before = counts(project)
    response, answer, page = write(client, project, editor, api_as, text)
    if refuses(text):
        assert response.status_code == 422, answer[:300]
        assert "characters" in answer
        assert limit in answer.replace(",", "")
        assert counts(project) == before
        return
    assert response.status_code in (201, 302), answer[:300]
    content = client.get(page).content.decode().split("<body", 1)[-1]  # (the head: a favicon)
    # An edit field holds the text as typed (escaped): only what the page shows is checked.
    content = EDIT_FIELD.sub("", content)
    assert MARKER in content
    for pattern in DANGEROUS:
        assert not pattern.search(content), pattern.pattern


@pytest.mark.parametrize("case", TEXTS, ids=lambda case: case.id)
def test_markdown_renders_any_text_within_the_limit_quickly(case: Text):
    text = case.value()[:TEXT_MAX_CHARS]
    started = time.perf_counter()
    html = markdown(text)
    # Linear time: 20,000 characters take well under a second; Python-Markdown took 12 s on
    # 10,000 brackets. (A bound far above the expected time, so a busy machine does not fail it.)
    assert time.perf_counter() - started < 5
    for pattern in DANGEROUS:
        assert not pattern.search(html), pattern.pattern


def test_bidi_overrides_are_dropped_and_the_text_kept():
    assert markdown("invoice\u202egnp.exe") == "<p>invoicegnp.exe</p>\n"
