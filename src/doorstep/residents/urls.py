from django.urls import path

from .views import administration, officer

app_name = "residents"

urlpatterns = [
    path("", officer.search, name="search"),
    path("new/", officer.create, name="create"),
    path("<int:pk>/", officer.detail, name="detail"),
    path("<int:pk>/edit/", officer.edit, name="edit"),
    path("<int:pk>/notes/new/", officer.add_note, name="add_note"),
    path("<int:pk>/flags/new/", officer.add_flag, name="add_flag"),
    path("<int:pk>/household/new/", officer.add_household_member, name="add_household_member"),
    path(
        "<int:pk>/household/<int:member_pk>/remove/",
        officer.remove_household_member,
        name="remove_household_member",
    ),
    path("import/", administration.import_upload, name="import"),
    path("import/<int:pk>/", administration.import_detail, name="import_detail"),
    path("import/<int:pk>/rejected.csv", administration.import_report, name="import_report"),
    path("duplicates/", administration.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/", administration.duplicate_review, name="duplicate_review"),
]
