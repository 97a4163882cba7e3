from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "doorstep.residents"
    label = "residents"
    verbose_name = "Residents"

    def ready(self):
        from doorstep.core import panels, timeline

        from .panel import note_panel_context

        timeline.register_kind("note", "Notes")
        timeline.register_kind("record", "Record changes")
        timeline.register_kind("merge", "Merges")
        # Beside the record, after the open work (order 5) and before other panels (20 on).
        panels.register_panel(
            slug="note",
            template="residents/officer/note_panel.html",
            context=note_panel_context,
            position="side",
            order=10,
        )
