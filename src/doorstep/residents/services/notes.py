"""Notes and flags on a resident's record."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from doorstep.core.changes import Timeline, record_change

from ..models import Flag, Note, Resident


@transaction.atomic
def add_note(*, actor, resident: Resident, body: str, request: HttpRequest | None = None) -> Note:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Enter the note"]})
    if len(body) > 10_000:
        raise ValidationError({"body": ["The note must be 10,000 characters or fewer"]})
    note = Note.objects.create(resident=resident, body=body, author=actor)
    record_change(
        actor=actor,
        action="create",
        object_type="note",
        object_id=note.pk,
        resident_id=resident.pk,
        fields=["body"],
        request=request,
        timeline_event=Timeline(kind="note", summary="Note added", body=body, source=note),
    )
    return note


@transaction.atomic
def add_flag(
    *, actor, resident: Resident, kind: str, description: str, request: HttpRequest | None = None
) -> Flag:
    description = (description or "").strip()
    errors = {}
    if kind not in Flag.Kind.values:
        errors["kind"] = ["Choose the kind of flag"]
    if not description:
        errors["description"] = ["Describe why the flag is needed"]
    if errors:
        raise ValidationError(errors)
    flag = Flag.objects.create(
        resident=resident, kind=kind, description=description, created_by=actor
    )
    record_change(
        actor=actor,
        action="create",
        object_type="flag",
        object_id=flag.pk,
        resident_id=resident.pk,
        fields=["kind", "description"],
        request=request,
        timeline_event=Timeline(
            kind="record", summary=f"{flag.get_kind_display()} flag added", body=description
        ),
    )
    return flag
