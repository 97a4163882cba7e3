from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "doorstep.inclusion"
    label = "inclusion"
    verbose_name = "Digital inclusion"

    def ready(self):
        from doorstep.core import landing, panels, resident_moves, timeline
        from doorstep.messaging import nudges

        # A Digital Friend lands on their learners.
        landing.register_landing(
            permission="inclusion.log_session", url_name="inclusion:my_learners", order=20
        )

        from .panel import panel_context
        from .reminders import NUDGE_CONDITION, reminder_needed
        from .services import move_resident

        timeline.register_kind("skills_check", "Digital skills checks")
        timeline.register_kind("digital_help", "Digital help")
        resident_moves.register_mover(
            "digital inclusion",
            lambda from_id, to_id: move_resident(from_resident_id=from_id, to_resident_id=to_id),
        )
        # The reminder is dropped once the first session is logged or the match is ended.
        nudges.register_condition(
            NUDGE_CONDITION,
            is_met=lambda match_id: not reminder_needed(match_id),
            label="the first session with the Digital Friend was logged",
        )
        panels.register_panel(
            slug="inclusion",
            template="inclusion/officer/panel.html",
            context=panel_context,
            position="side",
            order=30,
        )
