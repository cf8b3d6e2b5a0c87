from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Alert,
    Charter,
    ExitCriterion,
    Experiment,
    MonitoringPlan,
    Project,
    ProjectEvent,
    ProjectSummary,
    Reading,
    ReadingHour,
    ReadingsSummarised,
    Risk,
    Stage,
    StopRule,
    SuccessCriterion,
    Timebox,
    WatchedSeries,
)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "team", "owner", "stage", "status", "updated_at"]
    list_filter = ["status", "stage", "team"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["team", "owner"]
    raw_id_fields = ["owner"]


@admin.register(Charter, StopRule)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["project", "version", "updated_at"]
    search_fields = ["project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]


@admin.register(SuccessCriterion)
class SuccessCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "project", "kind", "metric", "baseline", "target", "direction"]
    list_filter = ["kind", "direction"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "category", "likelihood", "impact", "status"]
    list_filter = ["category", "status"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "owner"]


class ExitCriterionInline(admin.TabularInline):
    model = ExitCriterion
    extra = 0


@admin.register(Stage)
class StageAdmin(SimpleHistoryAdmin):
    list_display = ["project", "kind", "status", "planned_start", "planned_end", "actual_end"]
    list_filter = ["kind", "status"]
    search_fields = ["project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    inlines = [ExitCriterionInline]


@admin.register(ExitCriterion)
class ExitCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "stage", "done"]
    raw_id_fields = ["stage"]


@admin.register(ProjectEvent)
class ProjectEventAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "actor", "from_stage", "to_stage", "at"]
    list_filter = ["kind"]
    search_fields = ["project__name", "reason"]
    list_select_related = ["project", "actor"]
    raw_id_fields = ["project", "actor"]


class ExperimentInline(admin.StackedInline):
    model = Experiment
    extra = 0
    fields = ["position", "title", "outcome"]
    show_change_link = True


@admin.register(Timebox)
class TimeboxAdmin(SimpleHistoryAdmin):
    list_display = ["project", "week", "likelihood", "updated_at"]
    search_fields = ["project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    inlines = [ExperimentInline]


@admin.register(Experiment)
class ExperimentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "outcome", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "timebox", "created_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: readings are append-only, and the hourly summaries follow
    them (lifecycle/services/rollups.py)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ["criterion", "project", "value", "at", "source"]
    list_filter = ["source"]
    search_fields = ["criterion__name", "project__name"]
    list_select_related = ["criterion", "project"]
    raw_id_fields = ["criterion", "project", "experiment", "created_by"]


@admin.register(ReadingHour)
class ReadingHourAdmin(ReadOnlyAdmin):
    list_display = ["criterion", "source", "hour", "readings", "low", "high", "last_value"]
    list_filter = ["source"]
    list_select_related = ["criterion"]


@admin.register(ReadingsSummarised)
class ReadingsSummarisedAdmin(ReadOnlyAdmin):
    list_display = ["project", "up_to_id"]
    list_select_related = ["project"]


@admin.register(ProjectSummary)
class ProjectSummaryAdmin(admin.ModelAdmin):
    """Read-only: the services keep them (lifecycle/services/summary.py); `refresh_summaries`
    rebuilds."""

    list_display = [
        "project",
        "last_log_at",
        "likelihood_latest",
        "open_high_risks",
        "refreshed_at",
    ]
    search_fields = ["project__name"]
    list_select_related = ["project"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MonitoringPlan)
class MonitoringPlanAdmin(SimpleHistoryAdmin):
    list_display = ["project", "model_version", "trained_on", "retrain_every_days"]
    search_fields = ["project__name", "model_version"]
    list_select_related = ["project"]


@admin.register(WatchedSeries)
class WatchedSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["criterion", "project", "expected_every_hours", "alert_threshold", "tell"]
    search_fields = ["project__name", "criterion__name"]
    list_select_related = ["project", "criterion"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "status", "opened_at", "resolved_at"]
    list_filter = ["kind", "status"]
    search_fields = ["project__name", "title"]
    list_select_related = ["project"]


# --- Weekly digests (lifecycle.selectors.digests, lifecycle.services.digests) ---
from .models import DigestDelivery, DigestOptOut, DigestSubscriber, HealthSnapshot  # noqa: E402


@admin.register(DigestSubscriber)
class DigestSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "project", "created_at"]
    search_fields = ["email", "name", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["user"]


@admin.register(DigestOptOut)
class DigestOptOutAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "at"]
    list_filter = ["kind"]
    search_fields = ["email"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "project_key", "week_start", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status", "week_start"]
    search_fields = ["email"]


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(admin.ModelAdmin):
    list_display = ["project", "week_start", "level"]
    list_filter = ["week_start", "level"]
    list_select_related = ["project"]
