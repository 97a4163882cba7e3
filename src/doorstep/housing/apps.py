from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "doorstep.housing"
    label = "housing"
    verbose_name = "Housing register chances"

    def ready(self):
        from doorstep.core import panels, timeline

        from .views.officer import panel_context

        timeline.register_kind("housing", "Housing register")
        panels.register_panel(
            slug="housing",
            template="housing/officer/panel.html",
            context=panel_context,
            position="main",
            order=60,
        )
