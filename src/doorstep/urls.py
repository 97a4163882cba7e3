from django.contrib import admin
from django.urls import include, path

from . import navigation

urlpatterns = [
    path("", include("doorstep.core.urls")),
    path("admin/", navigation.admin_pages, name="admin_pages"),
    path("residents/", include("doorstep.residents.urls")),
    path("cases/", include("doorstep.cases.urls")),
    path("vulnerability/", include("doorstep.vulnerability.urls")),
    path("housing/", include("doorstep.housing.urls")),
    path("evidence/", include("doorstep.evidence.urls")),
    path("plans/", include("doorstep.plans.urls")),
    path("reporting/", include("doorstep.reporting.urls")),
    path("inclusion/", include("doorstep.inclusion.urls")),
    path("api/v1/", include("doorstep.api.urls")),
    path("messages/", include("doorstep.messaging.urls")),
    path("callbacks/", include("doorstep.messaging.callback_urls")),
    path("integrations/", include("doorstep.api.page_urls")),
    path("django-admin/", admin.site.urls),
]

handler400 = "doorstep.core.error_pages.bad_request"
handler403 = "doorstep.core.error_pages.permission_denied"
handler404 = "doorstep.core.error_pages.page_not_found"
handler500 = "doorstep.core.error_pages.server_error"
