from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Charter,
    ExitCriterion,
    Project,
    ProjectEvent,
    Risk,
    Stage,
    StopRule,
    SuccessCriterion,
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
