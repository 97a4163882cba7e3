from django.urls import path

from .views import administration, dashboard, public

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export.csv", dashboard.export, {"fmt": "csv"}, name="export_csv"),
    path("export.json", dashboard.export, {"fmt": "json"}, name="export_json"),
    path("costs/", administration.costs, name="costs"),
    path("survey/<str:token>/", public.survey_page, name="survey"),
    path("open-data/kpis.csv", public.open_data, {"fmt": "csv"}, name="open_data_csv"),
    path("open-data/kpis.json", public.open_data, {"fmt": "json"}, name="open_data_json"),
]
