from django.urls import path

from .views import catalogue, officer, resident, review

app_name = "evidence"

urlpatterns = [
    # The resident's link: short, because it goes out in a text.
    path("d/<str:token>/", resident.link, name="link"),
    path("d/<str:token>/<int:pk>/upload/", resident.upload, name="link_upload"),
    path("d/<str:token>/<int:pk>/send/", resident.submit, name="link_submit"),
    path("d/<str:token>/files/<int:pk>/remove/", resident.remove, name="link_remove"),
    path("d/<str:token>/files/<int:pk>/preview/", resident.thumbnail, name="link_thumbnail"),
    path("d/<str:token>/sent/", resident.sent, name="link_sent"),
    # Officers.
    path("residents/<int:resident_pk>/ask/", officer.ask, name="ask"),
    path("requests/<int:pk>/", officer.request_detail, name="request"),
    path("requests/<int:pk>/stop-link/", officer.revoke, name="revoke"),
    path("requests/<int:pk>/new-link/", officer.resend, name="resend"),
    path(
        "requests/<int:pk>/documents/<int:document_pk>/upload/",
        officer.assist_upload,
        name="assist_upload",
    ),
    # Reviewers.
    path("review/", review.queue, name="review_queue"),
    path("review/overdue/", review.overdue, name="overdue"),
    path("review/documents/<int:pk>/", review.document, name="document"),
    path("review/documents/<int:pk>/claim/", review.claim, name="document_claim"),
    path("review/documents/<int:pk>/release/", review.release, name="document_release"),
    path("review/documents/<int:pk>/accept/", review.accept, name="document_accept"),
    path("review/documents/<int:pk>/reject/", review.reject, name="document_reject"),
    path("review/files/<int:pk>/", review.file_content, name="file_content"),
    path("review/files/<int:pk>/original/", review.file_original, name="file_original"),
    # Administrators: the catalogue of document types.
    path("document-types/", catalogue.catalogue_list, name="catalogue"),
    path("document-types/new/", catalogue.catalogue_new, name="catalogue_new"),
    path("document-types/<int:pk>/", catalogue.catalogue_edit, name="catalogue_edit"),
    path(
        "document-types/<int:pk>/take-out/",
        catalogue.catalogue_deactivate,
        name="catalogue_deactivate",
    ),
    path(
        "document-types/<int:pk>/put-back/", catalogue.catalogue_activate, name="catalogue_activate"
    ),
]
