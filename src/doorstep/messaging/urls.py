"""Officer pages for texts, under /messages/."""

from django.urls import path  # noqa: F401

app_name = "messaging"

# Templates, sending to one resident, conversations, the phone simulator.
from .views import officer, simulator  # noqa: E402
from .views import templates as tv  # noqa: E402

officer_patterns: list = [
    path("templates/", tv.template_list, name="templates"),
    path("templates/new/", tv.template_new, name="template_new"),
    path("templates/<int:pk>/", tv.template_edit, name="template_edit"),
    path("templates/<int:pk>/deactivate/", tv.template_deactivate, name="template_deactivate"),
    path("templates/<int:pk>/activate/", tv.template_activate, name="template_activate"),
    path("preview/", tv.preview, name="preview"),
    path("residents/<int:pk>/", officer.conversation, name="conversation"),
    path("residents/<int:pk>/send/", officer.send, name="send"),
    path("residents/<int:pk>/opt-out/", officer.opt_out, name="opt_out"),
    path("residents/<int:pk>/opt-in/", officer.opt_in, name="opt_in"),
    path("texts/<int:pk>/handled/", officer.mark_handled, name="mark_handled"),
    path("simulator/", simulator.simulator, name="simulator"),
    path("simulator/<str:number>/", simulator.simulator_phone, name="simulator_phone"),
]

# Inboxes, linking unmatched texts, group texts.
from .views import cohorts as cohort_views  # noqa: E402
from .views import inbox as inbox_views  # noqa: E402

inbox_patterns: list = [
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("triage/", inbox_views.triage, name="triage"),
    path("triage/<int:pk>/", inbox_views.triage_link, name="triage_link"),
    path("groups/", cohort_views.cohort_list, name="cohorts"),
    path("groups/new/", cohort_views.cohort_new, name="cohort_new"),
    path("groups/<int:pk>/", cohort_views.cohort_detail, name="cohort"),
]

urlpatterns = officer_patterns + inbox_patterns
