from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "doorstep.messaging"
    label = "messaging"
    verbose_name = "Texts"

    def ready(self):
        # Imported here: models and the other apps are loaded only once ready() runs.
        from doorstep.core import panels, resident_moves, timeline

        from . import cohorts, tasks  # noqa: F401  (cohorts registers its own filters and exclusions)
        from .panel import panel_context
        from .providers import outbox
        from .services import move_messages

        timeline.register_kind("text", "Texts")
        resident_moves.register_mover("texts", move_messages)
        # The phone simulator plays the network for the local outbox.
        outbox.connect_network(tasks.report_outbox_delivery)
        panels.register_panel(
            slug="texts",
            template="messaging/panel.html",
            context=panel_context,
            position="side",
            order=20,
        )
