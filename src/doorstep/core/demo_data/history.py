"""The audit records and timeline events of the demo's bulk-written rows, made as the services'
`record_change` would have made them but backdated, and written in bulk at the end."""

import datetime

from doorstep.core import timeline
from doorstep.core.audit import GENESIS_HASH
from doorstep.core.changes import Timeline
from doorstep.core.models import AuditChainHead, AuditEvent, TimelineEvent


class History:
    """Timeline events and audit records, built as the services would write them."""

    def __init__(self):
        self.kinds = {kind.slug for kind in timeline.kinds()}
        self.events: list[TimelineEvent] = []
        self.audits: list[AuditEvent] = []

    def change(
        self,
        *,
        actor,
        action: str,
        object_type: str,
        object_id,
        resident_id: int,
        fields: list[str],
        at: datetime.datetime,
        timeline_event: Timeline,
        detail: str = "",
    ) -> None:
        """The audit record and the timeline event of one change, as `record_change` writes
        them, dated `at`."""
        self.audit(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            resident_id=resident_id,
            fields=fields,
            at=at,
            detail=detail,
        )
        self.event(
            resident_id=resident_id,
            kind=timeline_event.kind,
            summary=timeline_event.summary or detail,
            at=at,
            actor=actor,
            body=timeline_event.body,
            source=timeline_event.source,
            url=timeline_event.url,
        )

    def event(self, *, resident_id, kind, summary, at, actor, body="", source=None, url=""):
        # The same row timeline.add_event writes, with occurred_at set to when it happened.
        if kind not in self.kinds:
            raise ValueError(f"Unknown timeline event kind {kind!r}: register it first")
        self.events.append(
            TimelineEvent(
                resident_id=resident_id,
                kind=kind,
                summary=summary[:300],
                body=body,
                actor=actor,
                occurred_at=at,
                source_type=source._meta.label_lower if source is not None else "",
                source_id=str(source.pk) if source is not None else "",
                url=url,
            )
        )

    def audit(self, *, actor, action, object_type, object_id, resident_id, fields, at, detail=""):
        # The same row audit.record writes; the hash chain is added in write().
        self.audits.append(
            AuditEvent(
                at=at,
                actor=actor,
                actor_label=actor.email[:200],
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                resident_id=resident_id,
                fields=sorted(fields),
                detail=detail[:500],
                ip_address=None,
            )
        )

    def write(self) -> None:
        TimelineEvent.objects.bulk_create(self.events, batch_size=2000)
        # Oldest first, chained onto the current head exactly as audit.record does.
        self.audits.sort(key=lambda event: event.at)
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        previous = head.last_hash
        for event in self.audits:
            event.previous_hash = previous
            event.hash = previous = event.compute_hash()
        AuditEvent.objects.bulk_create(self.audits, batch_size=2000)
        AuditChainHead.objects.filter(pk=1).update(last_hash=previous)
