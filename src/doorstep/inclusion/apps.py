from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "doorstep.inclusion"
    label = "inclusion"
    verbose_name = "Digital inclusion"
