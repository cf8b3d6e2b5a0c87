from django.urls import path

from .views import compare, stakeholder, team

app_name = "demos"

DEMO = "projects/<slug:slug>/demos/<int:demo_id>/"

urlpatterns = [
    # The team's pages
    path("projects/<slug:slug>/demos/", team.demo_list, name="demo_list"),
    path("projects/<slug:slug>/demos/new/", team.demo_new, name="demo_new"),
    path("projects/<slug:slug>/demos/card/", team.project_demos_card, name="project_demos_card"),
    path(DEMO, team.demo_detail, name="demo_detail"),
    path(DEMO + "edit/", team.demo_edit, name="demo_edit"),
    path(DEMO + "part/<slug:part>/", team.demo_section, name="demo_section"),
    path(DEMO + "uploads/", team.dataset_upload, name="dataset_upload"),
    path(DEMO + "jobs/<int:job_id>/", team.upload_job, name="upload_job"),
    path(DEMO + "scale/", team.scale_edit, name="scale_edit"),
    path(DEMO + "scale/preview/", team.scale_preview_part, name="scale_preview"),
    path(DEMO + "agreement/record/", team.agreement_record, name="agreement_record"),
    path(DEMO + "links/", team.share_link_new, name="share_link_new"),
    path(DEMO + "links/<int:link_id>/revoke/", team.share_link_revoke, name="share_link_revoke"),
    path(DEMO + "compare/", compare.compare_versions, name="compare"),
    path(DEMO + "live/", team.dataset_live, name="dataset_live"),  # live traffic (drift)
    # The stakeholder view, for signed-in readers
    path(DEMO + "view/", stakeholder.demo_view, name="demo_view"),
    path(
        DEMO + "view/examples/<int:example_id>/feedback/",
        stakeholder.example_feedback,
        name="example_feedback",
    ),
    # ...and through a share link, without an account
    path("d/<str:token>/", stakeholder.shared_demo, name="shared_demo"),
    path(
        "d/<str:token>/examples/<int:example_id>/feedback/",
        stakeholder.shared_feedback,
        name="shared_feedback",
    ),
]
