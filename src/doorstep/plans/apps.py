from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "doorstep.plans"
    label = "plans"
    verbose_name = "Shared plans"

    def ready(self):
        from doorstep.core import panels, resident_moves, timeline, work
        from doorstep.messaging import nudges

        from . import services
        from .panel import my_work_context, panel_context

        timeline.register_kind("plan", "Shared plans")
        resident_moves.register_mover(
            "plans",
            lambda from_id, to_id: services.move_plans(
                from_resident_id=from_id, to_resident_id=to_id
            ),
        )
        nudges.register_condition(
            services.REMINDER_CONDITION,
            is_met=lambda object_id: not services.reminder_still_needed(object_id),
            label="the action was done, is no longer needed or has a new date",
        )
        panels.register_panel(
            slug="plans",
            template="plans/officer/panel.html",
            context=panel_context,
            position="main",
            order=30,
        )
        work.register_section(
            slug="plan_actions",
            template="plans/officer/my_work.html",
            context=my_work_context,
            order=30,
        )
