from django.urls import path

from .views import officer

app_name = "residents"

urlpatterns = [
    path("", officer.search, name="search"),
    path("new/", officer.create, name="create"),
    path("<int:pk>/", officer.detail, name="detail"),
    path("<int:pk>/edit/", officer.edit, name="edit"),
    path("<int:pk>/notes/new/", officer.add_note, name="add_note"),
    path("<int:pk>/flags/new/", officer.add_flag, name="add_flag"),
]
