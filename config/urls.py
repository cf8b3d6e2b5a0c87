from django.contrib import admin
from django.urls import include, path

from accounts.urls import notification_patterns, team_patterns

from .healthz import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # database and broker reachable? (JSON)
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include(notification_patterns)),
    path("teams/", include(team_patterns)),
    path("api/v1/", include("api.urls")),
    path("", include("demos.urls")),
    path("", include("lifecycle.urls")),
]

# Friendly error pages (config/errors.py); 400 and 500 are Django's, from 400.html and 500.html.
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
