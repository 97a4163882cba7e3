"""The Administrators' pages for API tokens, mounted at /integrations/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.token_list, name="api_tokens"),
    path("new/", views.token_new, name="api_token_new"),
    path("<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]
