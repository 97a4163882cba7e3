"""Keeping the catalogue of document types (Administrators)."""

from django.db import transaction

from doorstep.core.changes import record_change

from ..models import DocumentType

FIELDS = DocumentType.EDITABLE_FIELDS


@transaction.atomic
def save_document_type(
    *, actor, document_type: DocumentType | None, data: dict, request=None
) -> DocumentType:
    """Create a type, or change one; requests already made keep pointing at it."""
    creating = document_type is None
    document_type = document_type or DocumentType()
    changed = [name for name in FIELDS if getattr(document_type, name, None) != data[name]]
    for name in FIELDS:
        setattr(document_type, name, data[name])
    document_type.full_clean()
    document_type.save()
    record_change(
        actor=actor,
        action="create" if creating else "update",
        object_type="document_type",
        object_id=document_type.pk,
        fields=changed,
        summary=f"Document type ‘{document_type.name}’ {'added' if creating else 'changed'}",
        request=request,
    )
    return document_type


@transaction.atomic
def set_active(*, actor, document_type: DocumentType, active: bool, request=None) -> None:
    """Take a type out of use (officers no longer offered it) or put it back."""
    if document_type.active == active:
        return
    document_type.active = active
    document_type.save(update_fields=["active"])
    record_change(
        actor=actor,
        action="update",
        object_type="document_type",
        object_id=document_type.pk,
        fields=["active"],
        summary=f"Document type ‘{document_type.name}’ "
        + ("put back in use" if active else "taken out of use"),
        request=request,
    )
