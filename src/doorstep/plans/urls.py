from django.urls import path

from .views import administration, officer, resident

app_name = "plans"

urlpatterns = [
    # Officers
    path("residents/<int:resident_pk>/", officer.resident_plans, name="resident_plans"),
    path("residents/<int:resident_pk>/new/", officer.create, name="create"),
    path("<int:pk>/", officer.detail, name="detail"),
    path("<int:pk>/edit/", officer.edit, name="edit"),
    path("<int:pk>/goals/new/", officer.add_goal, name="add_goal"),
    path("<int:pk>/share/", officer.share, name="share"),
    path("<int:pk>/agreement/", officer.record_agreement, name="record_agreement"),
    path("<int:pk>/history/", officer.history, name="history"),
    path("<int:pk>/versions/<int:version>/", officer.version, name="version"),
    path("<int:pk>/print/", officer.print_plan, name="print"),
    path("goals/<int:pk>/edit/", officer.edit_goal, name="edit_goal"),
    path("goals/<int:pk>/remove/", officer.remove_goal, name="remove_goal"),
    path("goals/<int:pk>/actions/new/", officer.add_action, name="add_action"),
    path("actions/<int:pk>/", officer.action_detail, name="action"),
    path("actions/<int:pk>/edit/", officer.edit_action, name="edit_action"),
    path("actions/<int:pk>/remove/", officer.remove_action, name="remove_action"),
    path("links/<int:pk>/stop/", officer.revoke, name="revoke_link"),
    # Administrators
    path("templates/", administration.template_list, name="templates"),
    path("templates/new/", administration.template_new, name="template_new"),
    path("templates/<int:pk>/", administration.template_edit, name="template_edit"),
    # Residents, from the texted link
    path("r/<str:token>/", resident.start, name="resident_start"),
    path("r/<str:token>/code/", resident.code, name="resident_code"),
    path("r/<str:token>/plan/", resident.plan_page, name="resident_plan"),
    path("r/<str:token>/actions/new/", resident.add_action, name="resident_add_action"),
    path("r/<str:token>/actions/<int:action_id>/", resident.action_page, name="resident_action"),
    path("r/<str:token>/actions/<int:action_id>/done/", resident.mark_done, name="resident_done"),
    path("r/<str:token>/agree/", resident.agree, name="resident_agree"),
    path("r/<str:token>/thanks/<slug:what>/", resident.confirmation, name="resident_confirmation"),
    path("r/<str:token>/leave/", resident.leave, name="resident_leave"),
]
