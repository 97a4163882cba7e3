from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "doorstep.evidence"
    label = "evidence"
    verbose_name = "Document evidence"

    def ready(self):
        from doorstep.core import file_stores, health, resident_moves, timeline
        from doorstep.messaging import cohorts, nudges

        from . import checks, queries, scanning, services, storage  # noqa: F401 - checks registers

        health.CHECKS["virus_scanner"] = scanning.health_check
        # Backups, restores and audit checkpoints reach the document store through core.
        file_stores.register(
            file_stores.FileStore(
                inner=lambda: storage.evidence_storage().inner,
                keys=storage.encryption_keys,
                # Built now with the keys on disk now, not the cached storage's keys.
                read_with_current_keys=lambda name: storage.EncryptedStorage(
                    storage.evidence_storage().inner, storage.encryption_keys()
                ).read_bytes(name),
            )
        )

        timeline.register_kind("evidence", "Documents")
        # Reminders stop as soon as nothing is left to send (checked again at send time).
        nudges.register_condition(
            services.NUDGE_CONDITION,
            is_met=queries.uploads_are_in,
            label="the documents were sent",
        )
        cohorts.register_filter(
            "evidence_request",
            "Has an open request for documents",
            queries.residents_with_open_request,
            widget="select",
            choices=lambda: [("open", "Yes"), ("overdue", "Yes, and it is overdue")],
        )
        resident_moves.register_mover("evidence requests", services.move_requests)
        # Review: the documents panel on the Single View and the count on My work.
        from doorstep.core import panels, work

        from . import panel

        panels.register_panel(
            slug="evidence",
            template="evidence/panel/panel.html",
            context=panel.panel_context,
            position="main",
            order=40,
        )
        work.register_section(
            slug="evidence_review",
            template="evidence/review/my_work.html",
            context=panel.my_work_context,
            order=20,
        )
