from django.urls import path

from .models import Upload
from .views import administration, officer, public

app_name = "housing"

urlpatterns = [
    path("how-long/", public.estimate, name="estimate"),
    path("my-position/", public.lookup, name="lookup"),
    path("estimates/", officer.estimates, name="estimates"),
    path("uploads/", administration.uploads, name="uploads"),
    path(
        "uploads/lettings/",
        administration.upload,
        {"kind": Upload.Kind.LETTINGS},
        name="upload_lettings",
    ),
    path(
        "uploads/applications/",
        administration.upload,
        {"kind": Upload.Kind.APPLICATIONS},
        name="upload_applications",
    ),
    path(
        "uploads/make-up/",
        administration.upload,
        {"kind": Upload.Kind.MAKEUP},
        name="upload_makeup",
    ),
    path("uploads/<int:pk>/", administration.upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/problems.csv", administration.upload_report, name="upload_report"),
]
