from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "doorstep.reporting"
    label = "reporting"
    verbose_name = "Management information"
