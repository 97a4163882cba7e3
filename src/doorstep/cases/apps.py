from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "doorstep.cases"
    label = "cases"
    verbose_name = "Cases and tasks"

    def ready(self):
        from doorstep.core import timeline

        timeline.register_kind("case", "Cases")
        timeline.register_kind("task", "Tasks")
