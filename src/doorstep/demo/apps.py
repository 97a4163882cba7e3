from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "doorstep.demo"
    label = "demo"
    verbose_name = "Demo data"
