from django.contrib import admin

from .models import ApiToken, IdempotencyRecord


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False  # a token is shown once when made: on the profile page or by `api_token`


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["endpoint", "key", "user", "status_code", "created_at"]
    search_fields = ["key", "endpoint", "user__username"]
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]

    def has_add_permission(self, request):
        return False
