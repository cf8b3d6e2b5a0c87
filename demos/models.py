import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

SHARE_LINK_SALT = "waypoint.demos.share-link"


class Demo(models.Model):
    """What a model version does to real examples, shown to stakeholders in plain labels."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="demos")
    title = models.CharField(max_length=160)
    intro = models.TextField(
        blank=True, help_text="For the audience: what they are looking at and what to judge."
    )
    scale = models.ForeignKey(
        "RatingScale",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The scale in use now; earlier versions stay in RatingScale.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Title and intro are saved only against the version they were read at (demo_edit).
    version = models.PositiveIntegerField(default=1)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ScaleKind(models.TextChoices):
    BANDS = "bands", "Labelled bands"
    STARS = "stars", "Stars (1–5)"
    TRAFFIC_LIGHT = "traffic_light", "Traffic light"


class RatingScale(models.Model):
    """One version of a demo's rating scale; never edited, a change adds a version.

    `bands` runs from the highest threshold down: [{"label", "colour", "description", "min"}].
    A score belongs to the first band whose `min` it reaches; the last band's min is 0.
    """

    demo = models.ForeignKey(Demo, on_delete=models.CASCADE, related_name="scales")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ScaleKind.choices, default=ScaleKind.BANDS)
    bands = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["demo", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["demo", "version"], name="one_scale_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.demo} scale v{self.version}"


class DriftLevel(models.TextChoices):
    STABLE = "stable", "Stable"
    MODERATE = "moderate", "Moderate drift"
    SIGNIFICANT = "significant", "Significant drift"


class Dataset(models.Model):
    """The outputs of one model version on the demo's examples.

    Built by an upload job; stakeholders see it only once `ready` (completely stored).
    """

    demo = models.ForeignKey(Demo, on_delete=models.CASCADE, related_name="datasets")
    model_version = models.CharField(max_length=80)
    ready = models.BooleanField(default=False)
    classes = models.JSONField(
        default=list, blank=True, help_text="Class names, for multi-class outputs."
    )
    display_columns = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    scale = models.ForeignKey(
        RatingScale,
        on_delete=models.RESTRICT,
        related_name="datasets",
        help_text="The scale its labels were computed with.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Live traffic (demos/services/live.py): this dataset is what the model version of `live_of`
    # scores in production. Its drift from that version is kept by the writes that change either
    # side (dataset_drift_refresh), never computed on a page view; monitoring reads these fields.
    live_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_datasets",
        help_text="The dataset (model version) this live traffic is served by.",
    )
    drift_psi = models.FloatField(
        null=True, blank=True, help_text="Population stability index against live_of."
    )
    drift_level = models.CharField(max_length=12, choices=DriftLevel.choices, blank=True)
    drift_bins = models.JSONField(
        default=list, blank=True, help_text="[[low, high, reference share, live share]] per band."
    )
    drift_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["demo", "model_version"], name="one_dataset_per_model_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.demo}: {self.model_version}"

    @property
    def is_multiclass(self) -> bool:
        return bool(self.classes)


class Example(models.Model):
    """One row of model output: its score (or top class) and the columns to show."""

    # No index of its own: the (dataset, score) and (dataset, external_id) indexes serve every
    # lookup by dataset, and a third index costs a million-row upload seconds to maintain.
    # DO_NOTHING: Django's cascade would load every example (a million of them) to delete it;
    # a dataset's examples go in one statement when it is deleted (delete_examples).
    dataset = models.ForeignKey(
        Dataset, on_delete=models.DO_NOTHING, related_name="examples", db_index=False
    )
    row = models.PositiveIntegerField(help_text="Line of the data row in the uploaded file.")
    external_id = models.CharField(max_length=200)
    # The band (label) is not stored: it follows from the score and the scale in use, so a new
    # scale takes effect at once, without rewriting a million rows.
    score = models.FloatField(help_text="The score, or the top class's probability.")
    top_class = models.CharField(max_length=120, blank=True)
    fields = models.JSONField(default=dict)

    class Meta:
        ordering = ["dataset", "row"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "external_id"], name="one_example_per_id")
        ]
        indexes = [models.Index(fields=["dataset", "score"])]

    def __str__(self) -> str:
        return self.external_id


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class JobLiveState(models.TextChoices):
    PENDING = "pending", "To be marked when the upload succeeds"
    MARKED = "marked", "Marked as live traffic"
    REFUSED = "refused", "Stored, but not marked (see the warning)"
    NOT_MARKED = "not_marked", "Not live traffic (nothing stored, or unmarked since)"


@dataclass(frozen=True)
class JobLive:
    """What became of an upload sent as live traffic of `live_of` (a model version's name)."""

    live_of: str
    state: str  # JobLiveState
    message: str  # one sentence for the job page and the API
    dataset: "Dataset | None"  # the stored dataset, once marked: its drift fields are current


class UploadJob(models.Model):
    """Processing of one uploaded file. The UI and the API poll this row for progress."""

    demo = models.ForeignKey(Demo, on_delete=models.CASCADE, related_name="upload_jobs")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="A one-line summary of what went wrong.")
    problems = models.JSONField(
        default=list, blank=True, help_text="The full report: [{message, column?, rows?}]."
    )
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    model_version = models.CharField(max_length=80)
    id_column = models.CharField(max_length=120, default="id")
    score_column = models.CharField(max_length=120, blank=True, default="score")
    class_columns = models.JSONField(default=list, blank=True)
    display_columns = models.JSONField(default=list, blank=True)
    dataset = models.ForeignKey(
        Dataset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Live traffic (demos/services/live.py): the model version named at upload, by name, so a
    # version deleted before the job ran is still named in the warning that says so.
    live_of_version = models.CharField(
        max_length=80,
        blank=True,
        help_text="Mark the new dataset as live traffic of this model version once stored.",
    )
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="For a job that succeeded, what to know anyway: [{message, column}].",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def live(self) -> JobLive | None:
        """The live-traffic part of the job, or None for an upload that is not live traffic.
        Reads `dataset` and its `live_of`: select_related("dataset__live_of") for a list."""
        version = self.live_of_version
        if not version:
            return None
        if not self.is_finished:
            return JobLive(
                version, JobLiveState.PENDING, f"Will be marked as live traffic of {version}.", None
            )
        warning = next((w["message"] for w in self.warnings if w.get("column") == "live_of"), "")
        dataset = self.dataset if self.status == JobStatus.SUCCEEDED else None
        if warning:
            return JobLive(version, JobLiveState.REFUSED, warning, None)
        if dataset is None:
            what = "Nothing was stored" if self.status == JobStatus.FAILED else "It was deleted"
            return JobLive(
                version,
                JobLiveState.NOT_MARKED,
                f"{what}, so it is not live traffic of {version}.",
                None,
            )
        if dataset.live_of is None:
            return JobLive(
                version,
                JobLiveState.NOT_MARKED,
                f"Marked as live traffic of {version} when uploaded; not live traffic any more.",
                None,
            )
        drift = (
            f" (drift: {dataset.drift_level}, PSI {dataset.drift_psi:.3f})"
            if dataset.drift_psi is not None
            else ""
        )
        return JobLive(
            version,
            JobLiveState.MARKED,
            f"Marked as live traffic of {dataset.live_of.model_version}{drift}.",
            dataset,
        )


class ShareLink(models.Model):
    """A link that opens one demo without an account: signed, revocable, expiring.

    The URL carries `public_id` signed with the site's secret, so links cannot be guessed or
    forged; revoking or expiring is checked against this row on every visit.
    """

    demo = models.ForeignKey(Demo, on_delete=models.CASCADE, related_name="share_links")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    viewer_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Optional: who the link is for, e.g. “Head of support”.",
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.demo} for {self.viewer_name or 'anyone with the link'}"

    def get_absolute_url(self) -> str:
        return reverse("demos:shared_demo", args=[self.token])

    @property
    def token(self) -> str:
        return signing.Signer(salt=SHARE_LINK_SALT).sign(self.public_id.hex)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @classmethod
    def public_id_from_token(cls, token: str) -> uuid.UUID | None:
        """The link id a token was signed for, or None for a forged or mangled token."""
        try:
            return uuid.UUID(hex=signing.Signer(salt=SHARE_LINK_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None


class Verdict(models.TextChoices):
    AGREE = "agree", "Agree"
    DISAGREE = "disagree", "Disagree"
    UNSURE = "unsure", "Not sure"


class Feedback(models.Model):
    """A stakeholder's judgement of one example: through a share link or signed in."""

    example = models.ForeignKey(Example, on_delete=models.CASCADE, related_name="feedback")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="feedback")
    link = models.ForeignKey(
        ShareLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demo_feedback",
    )
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # One judgement per example per person: changing your mind updates it.
            models.UniqueConstraint(
                fields=["example", "user"],
                condition=Q(user__isnull=False),
                name="one_feedback_per_user",
            ),
            models.UniqueConstraint(
                fields=["example", "link"],
                condition=Q(user__isnull=True, link__isnull=False),
                name="one_feedback_per_link",
            ),
        ]
        indexes = [models.Index(fields=["dataset", "verdict"])]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} on {self.example}"

    @property
    def given_by(self) -> str:
        """Who judged, as the team reads it: the person, or the name the share link was made for."""
        if self.user_id is not None and self.user is not None:
            return self.user.display_name
        if self.link_id is not None and self.link is not None and self.link.viewer_name:
            return f"{self.link.viewer_name} (share link)"
        return "Someone with a share link"
