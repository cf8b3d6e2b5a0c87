from django.urls import path

from .views import notifications, profile, teams

app_name = "accounts"

urlpatterns = [
    path("profile/", profile.profile, name="profile"),
    path("profile/tokens/", profile.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", profile.token_revoke, name="token_revoke"),
]

# Mounted at /notifications/ (config/urls.py), namespace "notifications".
notification_patterns = (
    [
        path("", notifications.notification_list, name="list"),
        path("bell/", notifications.bell, name="bell"),
        path("read-all/", notifications.notifications_read_all, name="read_all"),
        path("<int:pk>/", notifications.notification_open, name="open"),
        path("<int:pk>/read/", notifications.notification_read, name="read"),
    ],
    "notifications",
)

# Mounted at /teams/ (config/urls.py), namespace "teams".
team_patterns = (
    [
        path("", teams.team_list, name="list"),
        path("<slug:team>/", teams.team_detail, name="detail"),
        path("<slug:team>/leave/", teams.team_leave, name="leave"),
        path("<slug:team>/members/add/", teams.member_add, name="member_add"),
        path("<slug:team>/members/<int:pk>/role/", teams.member_role, name="member_role"),
        path("<slug:team>/members/<int:pk>/remove/", teams.member_remove, name="member_remove"),
    ],
    "teams",
)
