from django.contrib import admin

from .models import Dataset, Demo, Example, Feedback, RatingScale, ShareLink, UploadJob


@admin.register(Demo)
class DemoAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "created_at"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "scale", "created_by"]


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["demo", "version", "kind", "created_at"]
    list_select_related = ["demo"]
    raw_id_fields = ["demo", "created_by"]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["demo", "model_version", "ready", "row_count", "created_at"]
    list_filter = ["ready"]
    list_select_related = ["demo"]
    raw_id_fields = ["demo", "scale", "created_by"]
    # Live traffic is marked on the demo page (demos/services/live.py), which keeps the drift
    # figures in step; here they are only shown.
    readonly_fields = ["live_of", "drift_psi", "drift_level", "drift_bins", "drift_checked_at"]


@admin.register(Example)
class ExampleAdmin(admin.ModelAdmin):
    list_display = ["external_id", "dataset", "score", "top_class"]
    search_fields = ["external_id"]
    list_select_related = ["dataset"]
    raw_id_fields = ["dataset"]
    show_full_result_count = False  # datasets hold up to millions of rows


@admin.register(UploadJob)
class UploadJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "demo", "status", "progress", "created_at"]
    list_filter = ["status"]
    list_select_related = ["demo"]
    raw_id_fields = ["demo", "dataset", "created_by"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["demo", "viewer_name", "expires_at", "revoked_at", "view_count"]
    list_select_related = ["demo"]
    raw_id_fields = ["demo", "created_by"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["example", "verdict", "link", "user", "updated_at"]
    list_filter = ["verdict"]
    raw_id_fields = ["example", "dataset", "link", "user"]
