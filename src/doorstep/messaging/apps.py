from django.apps import AppConfig


def _urgent_residents(resident_ids: list[int]) -> set[int]:
    from doorstep.vulnerability import queries as vulnerability

    # Few residents are urgent: fetch them all rather than pass 100,000 ids to the database.
    urgent = set(vulnerability.residents_at_level("urgent").values_list("resident_id", flat=True))
    return urgent.intersection(resident_ids)


class MessagingConfig(AppConfig):
    name = "doorstep.messaging"
    label = "messaging"
    verbose_name = "Texts"

    def ready(self):
        from doorstep.core import panels, resident_moves, timeline

        from . import cohorts
        from .services import move_messages
        from .views.officer import panel_context

        timeline.register_kind("text", "Texts")
        resident_moves.register_mover("texts", move_messages)
        # Residents assessed as urgent need a person, not a group text.
        cohorts.register_exclusion("assessed as urgent: contact them directly", _urgent_residents)
        panels.register_panel(
            slug="texts",
            template="messaging/panel.html",
            context=panel_context,
            position="side",
            order=20,
        )
