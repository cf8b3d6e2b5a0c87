"""Journey: a team member uploads a model-output file with a mistake, reads which line and column
are wrong, fixes it, uploads again, watches the progress bar to the end (a real Celery worker
processes the file), and tunes the rating scale with the live preview."""

import pytest
from playwright.sync_api import expect

from demos.services import demo_create
from tests.test_worker import celery_worker_process, real_worker  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

ROWS = 200
SCORES = [round(i / ROWS, 3) for i in range(ROWS)]  # 0.0, 0.005, … 0.995


def outputs(bad_line: int | None = None) -> bytes:
    lines = ["id,score,title"]
    for i, score in enumerate(SCORES):
        value = "high" if i + 2 == bad_line else str(score)
        lines.append(f"t{i},{value},Ticket number {i}")
    return ("\n".join(lines) + "\n").encode()


def at_least(threshold: float) -> int:
    return sum(score >= threshold for score in SCORES)


def choose_file(form, content: bytes) -> None:
    form.get_by_label("Model outputs").set_input_files(
        {"name": "outputs.csv", "mimeType": "text/csv", "buffer": content}
    )


def test_team_member_uploads_outputs(journey, real_worker, editor, owner, project):  # noqa: F811
    demo = demo_create(project=project, title="Which tickets are urgent?", intro="", by=owner)
    first_band = demo.scale.bands[0]

    page = journey.new_page(editor)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Which tickets are urgent?").click()
    expect(page.locator("#datasets")).to_contain_text("No model outputs yet")
    journey.look(page, "demo-empty")

    # A file with a word where a score should be, on line 7.
    uploads = page.locator("#uploads")
    form = uploads.locator("form.upload-form")
    choose_file(form, outputs(bad_line=7))
    form.get_by_label("Model version").fill("v1")
    form.get_by_label("Columns to show").fill("title")
    form.get_by_role("button", name="Upload and check").click()
    problems = page.locator("#uploads .job .problems")
    expect(problems).to_contain_text("A problem in the file; nothing was stored.", timeout=30_000)
    expect(problems.locator(".problem-where")).to_have_text("Column “score” · line 7")
    expect(problems).to_contain_text("'high'")
    expect(page.locator("#uploads .group-title")).to_have_count(0)  # no empty "Recent uploads"
    journey.look(page, "demo-upload-refused")

    # Fixed, uploaded again: the progress bar runs to the end.
    form = page.locator("#uploads form.upload-form")
    choose_file(form, outputs())
    form.get_by_label("Model version").fill("v1")
    form.get_by_label("Columns to show").fill("title")
    form.get_by_role("button", name="Upload and check").click()
    job = page.locator("#uploads .job").first
    expect(job.locator("progress.job-progress")).to_be_visible()
    expect(job.locator(".job-status")).to_have_text("Done", timeout=30_000)
    expect(job.locator("progress")).to_have_count(0)
    expect(job.locator(".job-result")).to_contain_text(f"Stored {ROWS} examples")
    expect(page.locator("#datasets tbody tr")).to_have_count(1)  # the table followed
    expect(page.locator("#uploads .jobs .job")).to_contain_text("Not stored")  # the first try

    # Tune the scale: the preview counts follow the threshold as it is typed.
    counts = page.locator("#scale-preview .preview-count strong")
    band_one = page.get_by_label("Band 1 starts at score")
    band_one.fill(str(first_band["min"] + 0.01))
    expect(counts.first).to_have_text(str(at_least(first_band["min"] + 0.01)))
    band_one.fill("0.9")
    expect(counts.first).to_have_text(str(at_least(0.9)))
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.locator(".scale-versions li").first).to_contain_text("v2")
    expect(page.locator(".scale-versions li").first).to_contain_text("≥ 0.9")
    journey.look(page, "demo-tuned")
