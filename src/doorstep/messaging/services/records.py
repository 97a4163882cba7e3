"""Records of texts kept right: staff reads of them (a read of the resident's record), and texts
that follow a resident record merged into another."""

from django.http import HttpRequest

from doorstep.core import audit
from doorstep.core.changes import record_change

from ..models import Message


def record_text_change(
    *, actor, action: str, message: Message, summary: str = "", resident=None, request=None
) -> None:
    """Audit a change to one text, against the resident it belongs to (or is now linked to)."""
    record_change(
        actor=actor,
        action=action,
        object_type="message",
        object_id=message.pk,
        resident_id=resident.pk if resident is not None else message.resident_id,
        summary=summary,
        request=request,
    )


def record_view(
    *,
    actor,
    object_type: str,
    object_id: object = "",
    resident_id: int | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
    action: str = "view",
) -> None:
    """Audit a member of staff (or an API client) reading texts, an inbox or a phone's thread."""
    audit.record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        resident_id=resident_id,
        detail=detail,
        request=request,
    )


def move_messages(from_resident_id: int, to_resident_id: int) -> int:
    """Texts follow a resident record merged into another (called by the merge)."""
    return Message.objects.filter(resident_id=from_resident_id).update(resident_id=to_resident_id)
