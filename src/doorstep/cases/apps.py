from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "doorstep.cases"
    label = "cases"
    verbose_name = "Cases and tasks"

    def ready(self):
        from doorstep.core import landing, panels, resident_moves, timeline
        from doorstep.residents import merging, search

        landing.register_landing(permission="cases.view_case", url_name="cases:my_work", order=10)

        from . import queries, services
        from .panel import panel_context

        timeline.register_kind("case", "Cases")
        timeline.register_kind("task", "Tasks")
        panels.register_panel(
            slug="cases",
            template="cases/officer/panel.html",
            context=panel_context,
            position="side",
            order=5,
        )
        resident_moves.register_mover(
            "cases",
            lambda from_id, to_id: services.move_cases(
                from_resident_id=from_id, to_resident_id=to_id
            ),
        )
        search.register_identifier_search(
            name="case reference",
            looks_like=queries.looks_like_case_reference,
            resident_ids=queries.resident_ids_for_case_reference,
        )
        merging.register_review_count(
            "Open cases", lambda resident_id: len(queries.open_cases_for_resident(resident_id))
        )
