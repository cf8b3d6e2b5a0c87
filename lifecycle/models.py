import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class StageKind(models.TextChoices):
    IDEATION = "ideation", "Ideation"
    DATA_COLLECTION = "data_collection", "Data collection"
    PROTOTYPING = "prototyping", "Prototyping"
    TECH_TRANSFER = "tech_transfer", "Tech transfer"
    MONITORING = "monitoring", "Monitoring"

    @classmethod
    def ordered(cls) -> list["StageKind"]:
        return list(cls)

    @property
    def position(self) -> int:
        return list(StageKind).index(self)


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SHIPPED = "shipped", "Shipped"
    STOPPED = "stopped", "Stopped"


class StopReason(models.TextChoices):
    NO_VALUABLE_PROBLEM = "no_valuable_problem", "No valuable problem"
    NO_DATA = "no_data", "No data"
    CRITERION_NOT_REACHED = "criterion_not_reached", "Could not reach the success criterion"
    NOT_PRODUCTIONISED = "not_productionised", "Not productionised"
    NOT_ADOPTED = "not_adopted", "Not adopted"
    SUPERSEDED = "superseded", "Superseded"
    OTHER = "other", "Other"


class ProjectQuerySet(models.QuerySet):
    # Who may read which projects is lifecycle/access.py's (readable_projects), not a method here.
    def active(self) -> "ProjectQuerySet":
        return self.filter(status=ProjectStatus.ACTIVE)


class Project(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    summary = models.CharField(
        max_length=240, blank=True, help_text="One line a stakeholder would understand."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
    )
    stage = models.CharField(max_length=20, choices=StageKind.choices, default=StageKind.IDEATION)
    status = models.CharField(
        max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    # Set when the project ends (shipped or stopped).
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_stage = models.CharField(max_length=20, choices=StageKind.choices, blank=True)
    stop_reason = models.CharField(max_length=30, choices=StopReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Version of the editable details (name, summary, owner); decisions do not change it.
    version = models.PositiveIntegerField(default=1)
    # What stops the team right now, set and cleared by the project's owner; shown on the board.
    blocker = models.CharField(max_length=280, blank=True)
    blocker_since = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="stopped") | Q(stop_reason=""),
                name="stop_reason_only_when_stopped",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lifecycle:project_detail", args=[self.slug])

    @property
    def is_active(self) -> bool:
        return self.status == ProjectStatus.ACTIVE

    @property
    def stage_kind(self) -> StageKind:
        return StageKind(self.stage)


class VersionedDocument(models.Model):
    """A section edited by several people: `version` grows by one on every save.

    A save names the version it was edited from; a mismatch means someone saved in between
    (see lifecycle.services.document_save).
    """

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Charter(VersionedDocument):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="charter")
    problem = models.TextField("Problem statement", blank=True)
    audience = models.TextField("Who it is for", blank=True)
    value = models.TextField("Value to the business", blank=True)
    behaviour_change = models.TextField("How behaviour changes", blank=True)
    delivery = models.TextField("Delivery mechanism", blank=True)
    constraints = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    TEXT_FIELDS = ["problem", "audience", "value", "behaviour_change", "delivery", "constraints"]

    def __str__(self) -> str:
        return f"Charter of {self.project}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in self.TEXT_FIELDS)


class StopRule(VersionedDocument):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="stop_rule")
    text = models.TextField(
        "Stop rule",
        blank=True,
        help_text='When the team agrees it would stop, e.g. "no lift over baseline by week 8".',
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    def __str__(self) -> str:
        return f"Stop rule of {self.project}"


class CriterionKind(models.TextChoices):
    BUSINESS = "business", "Business / user"
    MODEL = "model", "Model evaluation"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class SuccessCriterion(VersionedDocument):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=CriterionKind.choices)
    metric = models.CharField(max_length=120, help_text="How it is measured, e.g. recall@10.")
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, minutes, €/month")
    baseline = models.FloatField(null=True, blank=True, help_text="Leave empty if unknown yet.")
    target = models.FloatField()
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "success criteria"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="criterion_name_per_project")
        ]

    def __str__(self) -> str:
        return self.name


class RiskCategory(models.TextChoices):
    DATA = "data", "Data"
    TECHNICAL = "technical", "Technical"
    ADOPTION = "adoption", "Adoption"
    OPERATIONAL = "operational", "Operational"
    ETHICAL = "ethical", "Ethical"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATED = "mitigated", "Mitigated"
    OCCURRED = "occurred", "Occurred"
    CLOSED = "closed", "Closed"


one_to_five = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(VersionedDocument):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=160)
    category = models.CharField(max_length=12, choices=RiskCategory.choices)
    likelihood = models.PositiveSmallIntegerField(validators=one_to_five, help_text="1 (rare) – 5")
    impact = models.PositiveSmallIntegerField(validators=one_to_five, help_text="1 (minor) – 5")
    mitigation = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_risks",
    )
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_one_to_five",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def severity(self) -> str:
        """high / medium / low, from likelihood × impact (the usual 5×5 risk matrix)."""
        if self.score >= 15:
            return "high"
        if self.score >= 8:
            return "medium"
        return "low"


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


def overdue_stages_q(today: datetime.date, prefix: str = "") -> Q:
    """Stages still open (not done, no actual end) after their planned end; see Stage.is_overdue.

    `prefix` reaches stages through a relation, e.g. "stages__" from Project.
    """
    return Q(**{f"{prefix}planned_end__lt": today, f"{prefix}actual_end__isnull": True}) & ~Q(
        **{f"{prefix}status": StageStatus.DONE}
    )


class Stage(VersionedDocument):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(max_length=20, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField()
    goals = models.TextField(blank=True)
    expected_inputs = models.TextField(blank=True)
    expected_outputs = models.TextField(blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    # The planned end an overdue reminder was last sent for: one reminder per missed date.
    overdue_reminder_for = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "overdue_reminder_for"])

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_stage_of_each_kind"),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="planned_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.project}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Still open (not done, no actual end) although its planned end has passed."""
        today = today or timezone.localdate()
        return (
            self.status != StageStatus.DONE
            and self.actual_end is None
            and self.planned_end is not None
            and self.planned_end < today
        )

    def days_late(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        if not self.is_overdue(today) or self.planned_end is None:
            return 0
        return (today - self.planned_end).days


class ExitCriterion(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="exit_criteria")
    text = models.CharField(max_length=240)
    done = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "exit criteria"

    def __str__(self) -> str:
        return self.text


class Timebox(VersionedDocument):
    """One ISO week of a project's experiment log: the plan, the review, the likelihood."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="timeboxes")
    week_start = models.DateField(help_text="The Monday of the ISO week.")
    review = models.TextField(
        "Week's review", blank=True, help_text="What the team learned and what changes next."
    )
    likelihood = models.PositiveSmallIntegerField(
        "Likelihood of success",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="0–100 %: how likely the project is to meet its success criteria.",
    )
    likelihood_reason = models.CharField(
        "Why", max_length=200, blank=True, help_text="One line: what moved the estimate."
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["project", "week_start"], name="one_timebox_per_week"),
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__lte=100),
                name="likelihood_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.week}"

    @property
    def week(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


class Outcome(models.TextChoices):
    PLANNED = "planned", "Planned"
    SUPPORTED = "supported", "Supported"
    REFUTED = "refuted", "Refuted"
    INCONCLUSIVE = "inconclusive", "Inconclusive"
    ABANDONED = "abandoned", "Abandoned"


class Experiment(VersionedDocument):
    """One experiment of a week's plan: planned first, then run and concluded."""

    timebox = models.ForeignKey(Timebox, on_delete=models.CASCADE, related_name="experiments")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="experiments")
    position = models.PositiveIntegerField(default=0, help_text="Priority in the week's plan.")
    title = models.CharField(max_length=200)
    hypothesis = models.TextField(blank=True, help_text="What you expect, and why.")
    what_was_done = models.TextField("What was done", blank=True)
    result = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PLANNED)
    links = models.JSONField(default=list, blank=True, help_text="Notebooks, runs, dashboards.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class ReadingSource(models.TextChoices):
    EXPERIMENT = "experiment", "Experiment"
    PRODUCTION = "production", "Production"


class Reading(models.Model):
    """A measured value of a success criterion at a moment. Append-only.

    Scripts store thousands a minute, and every index costs each insert: the criterion's own
    index is left out (the (criterion, at) index serves it), and so is the author's (only
    deleting a user looks readings up by author)."""

    criterion = models.ForeignKey(
        SuccessCriterion, on_delete=models.CASCADE, related_name="readings", db_index=False
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="readings")
    experiment = models.ForeignKey(
        Experiment, on_delete=models.SET_NULL, null=True, blank=True, related_name="readings"
    )
    value = models.FloatField()
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        max_length=12, choices=ReadingSource.choices, default=ReadingSource.EXPERIMENT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["criterion", "at"])]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value:g} at {self.at:%Y-%m-%d}"


class ReadingHour(models.Model):
    """The readings of one criterion from one source in one hour (UTC), summarised, so that a
    chart of a criterion with a million readings reads a few hundred rows instead.

    Brought up to date by a task after readings are stored (lifecycle.services.derived.refresh,
    lifecycle/rollups.py: catch_up), never by a page view; storing waits for none of it, as
    cheap as it can be for scripts that log every step."""

    # No index of its own: the unique (criterion, source, hour) constraint serves it.
    criterion = models.ForeignKey(
        SuccessCriterion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    source = models.CharField(max_length=12, choices=ReadingSource.choices)
    hour = models.DateTimeField()
    readings = models.PositiveIntegerField()
    low = models.FloatField()
    high = models.FloatField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    last_value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "source", "hour"], name="one_reading_hour_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} {self.source} {self.hour:%Y-%m-%d %H}:00: {self.readings}"


class ReadingsSummarised(models.Model):
    """How far a project's readings are in its ReadingHour rows: every reading with an id up to
    `up_to_id`, and none after."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="+")
    up_to_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.project_id}: readings up to {self.up_to_id}"


class EventKind(models.TextChoices):
    CREATED = "created", "Created the project"
    STAGE_MOVED = "stage_moved", "Moved stage"
    SHIPPED = "shipped", "Shipped"
    STOPPED = "stopped", "Stopped"
    REOPENED = "reopened", "Reopened"
    BLOCKER_SET = "blocker_set", "Set a blocker"
    BLOCKER_CLEARED = "blocker_cleared", "Cleared the blocker"


class ProjectEvent(models.Model):
    """The decision log: stage moves and stop/ship decisions, with who, when and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_stage = models.CharField(max_length=20, choices=StageKind.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=StageKind.choices, blank=True)
    stop_reason = models.CharField(max_length=30, choices=StopReason.choices, blank=True)
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["project", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.project}"

    @property
    def is_backward(self) -> bool:
        if not (self.from_stage and self.to_stage):
            return False
        return StageKind(self.to_stage).position < StageKind(self.from_stage).position


class ProjectSummary(models.Model):
    """What the portfolio board shows of a project, kept up to date by the services that change
    it (lifecycle.services.derived.refresh), so the board never reads the whole experiment log.

    Only stored facts live here; whatever depends on today's date (stale, overdue, days in
    stage) is worked out when the board is read (lifecycle.health).
    """

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, primary_key=True, related_name="board_summary"
    )
    last_log_at = models.DateTimeField(null=True, blank=True)
    # The day missed weekly logs are counted from: the last log's day, or for a project that never
    # logged, a week before it was created (lifecycle.health.missed_weeks).
    quiet_since = models.DateField(null=True, blank=True)
    # The latest weekly likelihood estimates, oldest first: [[week_start ISO date, percent], ...].
    likelihoods = models.JSONField(default=list, blank=True)
    likelihood_latest = models.PositiveSmallIntegerField(null=True, blank=True)
    # How far the latest estimate is below the highest of the last few (lifecycle.health).
    likelihood_drop = models.PositiveSmallIntegerField(default=0)
    stage_started = models.DateField(null=True, blank=True)
    stage_planned_start = models.DateField(null=True, blank=True)
    stage_planned_end = models.DateField(null=True, blank=True)
    stage_done = models.BooleanField(default=False)
    open_high_risks = models.PositiveIntegerField(default=0)
    # Unresolved monitoring alerts, worst first: [[health level, title], ...] (the board's reasons).
    alerts = models.JSONField(default=list, blank=True)
    # The worst level those alerts imply ("" when none): lets the board filter in SQL.
    alert_level = models.CharField(max_length=10, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "project summaries"

    def __str__(self) -> str:
        return f"Summary of {self.project}"

    @property
    def likelihood_values(self) -> list[int]:
        return [value for _, value in self.likelihoods]

    @property
    def latest_likelihood(self) -> int | None:
        return self.likelihoods[-1][1] if self.likelihoods else None


class Audience(models.TextChoices):
    OWNER = "owner", "The project's owner"
    EDITORS = "editors", "The owner and editors"
    TEAM = "team", "Everyone in the team"


class MonitoringPlan(VersionedDocument):
    """How a live project is watched: the model in production and how often it is retrained.

    The series watched (one per success criterion) are WatchedSeries rows; a project cannot be
    shipped until at least one exists (lifecycle.services.project_ship)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="monitoring_plan"
    )
    model_version = models.CharField(
        "Model version in production", max_length=80, blank=True, help_text="e.g. v3 or 2026-11-02"
    )
    trained_on = models.DateField(
        "Last trained on",
        null=True,
        blank=True,
        help_text="When the model in production was trained.",
    )
    retrain_every_days = models.PositiveIntegerField(
        "Retrain every (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Leave empty if the model is not retrained on a cadence.",
    )
    notes = models.TextField(
        blank=True, help_text="Dashboards, runbooks, who to call when an alert fires."
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    def __str__(self) -> str:
        return f"Monitoring plan of {self.project}"

    def retrain_due(self) -> datetime.date | None:
        if self.trained_on is None or self.retrain_every_days is None:
            return None
        return self.trained_on + datetime.timedelta(days=self.retrain_every_days)


class WatchedSeries(VersionedDocument):
    """One success criterion watched in production: how often readings are expected, the
    threshold that raises an alert (on the wrong side as the criterion's direction says) and
    who is told."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="watched_series")
    # Always one of the project's own criteria (lifecycle.services.monitoring checks it).
    criterion = models.OneToOneField(
        SuccessCriterion, on_delete=models.CASCADE, related_name="watch"
    )
    expected_every_hours = models.PositiveIntegerField(
        "Expected reading every (hours)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 90)],
        help_text="How often production readings arrive, e.g. 24 for daily.",
    )
    alert_threshold = models.FloatField(
        help_text="An alert opens when the latest production reading is worse than this."
    )
    tell = models.CharField(
        "Who is told", max_length=10, choices=Audience.choices, default=Audience.EDITORS
    )
    # A series with no production reading yet counts as quiet from here.
    watched_since = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["updated_at", "watched_since"])

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        verbose_name_plural = "watched series"

    def __str__(self) -> str:
        return f"{self.criterion} (watched)"


class AlertKind(models.TextChoices):
    QUIET = "quiet", "Quiet series"
    BREACH = "breach", "Threshold breached"
    STALE_MODEL = "stale_model", "Model overdue for retraining"
    DRIFT = "drift", "Score drift"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class AlertQuerySet(models.QuerySet):
    def unresolved(self) -> "AlertQuerySet":
        """Open or acknowledged: the condition has not cleared and nobody closed it."""
        return self.exclude(status=AlertStatus.RESOLVED)


class Alert(models.Model):
    """A finding of the monitoring checks (lifecycle.services.monitoring) about a live project.

    `subject` names what the finding is about ("criterion:12", "dataset:5", "model"); while an
    alert for the same project, kind and subject is unresolved, the checks update it rather than
    open another. A condition that clears resolves its alert with `resolved_by` empty."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    subject = models.CharField(max_length=60)
    level = models.CharField(max_length=10, default="off_track")  # health level it implies
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    title = models.CharField(max_length=240)
    figure = models.FloatField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledge_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolve_note = models.TextField(blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["project", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "subject"],
                condition=~Q(status="resolved"),
                name="one_unresolved_alert_per_finding",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_resolved(self) -> bool:
        return self.status == AlertStatus.RESOLVED


# --- Weekly digests (lifecycle.selectors.digests builds them, lifecycle.services.digests sends) ---


class DigestKind(models.TextChoices):
    MANAGER = "manager", "Portfolio week (managers)"
    MEMBER = "member", "My projects' week (team members)"
    STAKEHOLDER = "stakeholder", "Project update (stakeholders)"


class DigestSubscriber(models.Model):
    """A stakeholder who asked for a project's weekly update: a reader who opted in, or a person
    an editor added by name and email (most stakeholders have no account)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="digest_subscribers"
    )
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "email"], name="one_subscription_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.email} on {self.project}"


class DigestOptOut(models.Model):
    """A person (by email) who turned a digest kind off."""

    email = models.EmailField()
    kind = models.CharField(max_length=12, choices=DigestKind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.email} turned off the {self.kind} digest"


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class DigestDelivery(models.Model):
    """One digest for one person and ISO week, claimed before its mail is sent so a second run
    (or a redelivered task) never sends it again (lifecycle.services.digests)."""

    email = models.EmailField()
    kind = models.CharField(max_length=12, choices=DigestKind.choices)
    # The project of a stakeholder digest; 0 for the manager and member digests, so the unique
    # constraint holds without NULLs (which never collide).
    project_key = models.BigIntegerField(default=0)
    week_start = models.DateField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", "project_key", "week_start"],
                name="one_digest_per_person_and_week",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} digest {self.week_start} to {self.email}"


class HealthSnapshot(models.Model):
    """A project's health level as the digest of a week saw it; next week's digest compares."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    level = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "week_start"], name="one_health_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.week_start}: {self.level}"
