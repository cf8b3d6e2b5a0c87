from django.urls import path, register_converter

from .views import decisions, digests, log, monitoring, portfolio, projects, sections
from .weeks import WeekConverter

register_converter(WeekConverter, "week")

app_name = "lifecycle"

urlpatterns = [
    path("", projects.home, name="home"),
    path("projects/new/", projects.project_new, name="project_new"),
    path("portfolio/", portfolio.board, name="portfolio"),
    path("portfolio/export.csv", portfolio.board_csv, name="portfolio_csv"),
    path("portfolio/outcomes/", portfolio.outcomes, name="portfolio_outcomes"),
    path("portfolio/columns/<slug:column>/", portfolio.board_column, name="portfolio_column"),
    path("projects/<slug:slug>/blocker/", portfolio.project_blocker, name="project_blocker"),
    path("projects/<slug:slug>/", projects.project_detail, name="project_detail"),
    path("projects/<slug:slug>/history/", projects.project_history_view, name="project_history"),
    path(
        "projects/<slug:slug>/section/<slug:section>/",
        projects.project_section,
        name="project_section",
    ),
    path("projects/<slug:slug>/details/", sections.details_edit, name="details_edit"),
    path("projects/<slug:slug>/charter/", sections.charter_edit, name="charter_edit"),
    path("projects/<slug:slug>/stop-rule/", sections.stop_rule_edit, name="stop_rule_edit"),
    path("projects/<slug:slug>/criteria/new/", sections.criterion_new, name="criterion_new"),
    path("projects/<slug:slug>/criteria/<int:pk>/", sections.criterion_edit, name="criterion_edit"),
    path("projects/<slug:slug>/risks/new/", sections.risk_new, name="risk_new"),
    path("projects/<slug:slug>/risks/<int:pk>/", sections.risk_edit, name="risk_edit"),
    path(
        "projects/<slug:slug>/criteria/<int:pk>/delete/",
        sections.row_delete,
        {"kind": "criteria"},
        name="criterion_delete",
    ),
    path(
        "projects/<slug:slug>/risks/<int:pk>/delete/",
        sections.row_delete,
        {"kind": "risks"},
        name="risk_delete",
    ),
    path("projects/<slug:slug>/stages/<slug:kind>/", sections.stage_edit, name="stage_edit"),
    path(
        "projects/<slug:slug>/stages/<slug:kind>/exit-criteria/",
        sections.exit_criterion_add,
        name="exit_criterion_add",
    ),
    path(
        "projects/<slug:slug>/stages/<slug:kind>/exit-criteria/<int:pk>/toggle/",
        sections.exit_criterion_toggle,
        name="exit_criterion_toggle",
    ),
    path(
        "projects/<slug:slug>/stages/<slug:kind>/exit-criteria/<int:pk>/delete/",
        sections.exit_criterion_delete,
        name="exit_criterion_delete",
    ),
    path("projects/<slug:slug>/move/", decisions.project_move, name="project_move"),
    path("projects/<slug:slug>/ship/", decisions.project_ship, name="project_ship"),
    path("projects/<slug:slug>/stop/", decisions.project_stop, name="project_stop"),
    path("projects/<slug:slug>/reopen/", decisions.project_reopen, name="project_reopen"),
    # The weekly experiment log
    path("projects/<slug:slug>/log/", log.log_page, name="project_log"),
    path("projects/<slug:slug>/log/<week:monday>/", log.log_week, name="log_week"),
    path("projects/<slug:slug>/log/<week:monday>/plan/", log.experiment_new, name="experiment_new"),
    path(
        "projects/<slug:slug>/log/<week:monday>/review/",
        log.week_review_edit,
        name="week_review_edit",
    ),
    path(
        "projects/<slug:slug>/log/experiments/<int:pk>/",
        log.experiment_edit,
        name="experiment_edit",
    ),
    path(
        "projects/<slug:slug>/log/experiments/<int:pk>/move/",
        log.experiment_move,
        name="experiment_move",
    ),
    path(
        "projects/<slug:slug>/log/experiments/<int:pk>/readings/",
        log.reading_add,
        name="reading_add",
    ),
    # Monitoring, once a model is live
    path("projects/<slug:slug>/monitoring/", monitoring.monitoring, name="monitoring"),
    path("projects/<slug:slug>/monitoring/plan/", monitoring.plan_edit, name="monitoring_plan"),
    path("projects/<slug:slug>/monitoring/watch/new/", monitoring.watch_new, name="watch_new"),
    path(
        "projects/<slug:slug>/monitoring/watch/<int:pk>/", monitoring.watch_edit, name="watch_edit"
    ),
    path(
        "projects/<slug:slug>/monitoring/watch/<int:pk>/delete/",
        monitoring.watch_delete,
        name="watch_delete",
    ),
    path(
        "projects/<slug:slug>/alerts/<int:pk>/acknowledge/",
        monitoring.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path(
        "projects/<slug:slug>/alerts/<int:pk>/resolve/",
        monitoring.alert_resolve,
        name="alert_resolve",
    ),
    # Weekly digests: previews and the signed unsubscribe link (lifecycle/views/digests.py)
    path("digests/manager/", digests.manager_digest_view, name="digest_manager"),
    path("digests/me/", digests.member_digest_view, name="digest_member"),
    path("projects/<slug:slug>/digest/", digests.project_digest, name="digest_project"),
    path(
        "projects/<slug:slug>/digest/subscribe/",
        digests.project_digest_subscribe,
        name="digest_subscribe",
    ),
    path(
        "projects/<slug:slug>/digest/unsubscribe/",
        digests.project_digest_unsubscribe,
        name="digest_project_unsubscribe",
    ),
    path("digests/preferences/", digests.digest_preferences_view, name="digest_preferences"),
    path(
        "digests/unsubscribe/<str:token>/",
        digests.digest_unsubscribe_view,
        name="digest_unsubscribe",
    ),
]
