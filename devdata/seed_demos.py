"""Demos for the demo portfolio (devdata/data/demos.json): model outputs, share links, feedback.

Each demo's outputs are generated in memory (devdata.outputs, a fixed random seed, so every run
writes the same rows) and go through the real upload path: save_upload stores the file and the
job is processed in this process, whether or not a broker is configured. A demo whose title exists
in its project is left alone, so seeding again adds nothing.
"""

import csv
import datetime
import io
import json
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from demos import services
from demos.models import Dataset, Demo, JobStatus, ShareLink, Verdict
from demos.scales import band_index, bands_from_json
from demos.services.live import dataset_mark_live
from demos.services.processing import Columns, upload_process
from demos.services.uploads import save_upload
from lifecycle.models import Project

from .outputs import OUTPUTS, Rows
from .portfolio import DEMOS
from .specs import DemoSpec, Version


def _file(rows: Rows, spec: DemoSpec) -> ContentFile:
    if spec.file_format == "jsonl":
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        return ContentFile(text.encode(), name="outputs.jsonl")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return ContentFile(out.getvalue().encode(), name="outputs.csv")


def _upload(demo: Demo, spec: DemoSpec, version: Version, by) -> Dataset:
    job = save_upload(
        demo=demo,
        uploaded=_file(OUTPUTS[version.outputs](), spec),
        model_version=version.name,
        columns=Columns(
            id="id",
            score="" if spec.classes else "score",
            classes=spec.classes,
            display=spec.display,
        ),
        by=by,
        queue=False,
    )
    upload_process(job.pk)  # here and now, broker or not
    job.refresh_from_db()
    if job.status != JobStatus.SUCCEEDED:
        raise RuntimeError(f"Seeding {spec.title!r} failed: {job.error}")
    # The upload path dates a dataset now; the story says when this version was uploaded.
    when = timezone.now() - datetime.timedelta(days=version.days_ago)
    assert job.dataset_id is not None  # a succeeded job has its dataset
    Dataset.objects.filter(pk=job.dataset_id).update(created_at=when)
    return Dataset.objects.select_related("scale").get(pk=job.dataset_id)


def _feedback(spec: DemoSpec, dataset: Dataset, sources: list[dict], rng: random.Random) -> int:
    bands = bands_from_json(dataset.scale.bands)
    examples = list(dataset.examples.all())
    count = 0
    for source in sources:
        for example in rng.sample(examples, min(spec.judged, len(examples))):
            band = band_index(bands, example.score)
            agree = spec.agree_by_band[min(band, len(spec.agree_by_band) - 1)]
            roll = rng.random()
            verdict = "agree" if roll < agree else "unsure" if roll < agree + 0.08 else "disagree"
            comments = spec.comments.get(Verdict(verdict), [])
            comment = rng.choice(comments) if comments and rng.random() < 0.35 else ""
            services.feedback_record(
                example=example, verdict=verdict, comment=comment, tell=False, **source
            )
            count += 1
    return count


def seed_demo_spec(spec: DemoSpec, users: dict) -> bool:
    """One demo with its datasets, links and feedback; False if it exists (or its project
    does not)."""
    project = Project.objects.filter(slug=spec.project).first()
    if project is None or project.demos.filter(title=spec.title).exists():
        return False
    by = users[spec.by]
    rng = random.Random(spec.title)  # noqa: S311 - made-up feedback, not secrets
    # The jobs are processed right here (upload_process), so nothing goes to the broker.
    with transaction.atomic():
        first_days = spec.versions[0].days_ago + 2
        demo = services.demo_create(
            project=project,
            title=spec.title,
            intro=spec.intro,
            kind=spec.kind,
            by=by,
            at=timezone.now() - datetime.timedelta(days=first_days),
        )
        datasets = [_upload(demo, spec, spec.versions[0], by)]
        if spec.bands:
            bands = [band.model_dump() for band in spec.bands]
            services.scale_change(demo=demo, kind=spec.kind, bands=bands, by=by)
        datasets += [_upload(demo, spec, version, by) for version in spec.versions[1:]]
        latest = Dataset.objects.select_related("scale").get(pk=datasets[-1].pk)
        sources = []
        for spec_link in spec.links:
            link = services.share_link_create(demo=demo, viewer_name=spec_link.viewer_name, by=by)
            # Views are counted as stakeholders open the link; the story says how many did.
            ShareLink.objects.filter(pk=link.pk).update(
                view_count=spec_link.views,
                last_viewed_at=timezone.now() - datetime.timedelta(hours=5),
            )
            sources.append({"link": link})
        sources += [{"user": users[name]} for name in spec.reviewers]
        _feedback(spec, latest, sources, rng)
        if len(datasets) > 1:  # a few judgements of the older version, for comparison
            _feedback(spec, datasets[0], sources[:1], rng)
        if spec.live:
            traffic = _upload(demo, spec, spec.live, by)
            dataset_mark_live(dataset=traffic, reference=latest)
    return True


def seed_demos(users: dict) -> tuple[int, int]:
    """(created, already there) over devdata/data/demos.json."""
    created = sum(seed_demo_spec(spec, users) for spec in DEMOS)
    return created, len(DEMOS) - created
