from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "doorstep.residents"
    label = "residents"
    verbose_name = "Residents"

    def ready(self):
        from doorstep.core import timeline

        timeline.register_kind("note", "Notes")
        timeline.register_kind("record", "Record changes")
        timeline.register_kind("merge", "Merges")
