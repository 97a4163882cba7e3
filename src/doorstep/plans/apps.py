from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "doorstep.plans"
    label = "plans"
    verbose_name = "Shared plans"
