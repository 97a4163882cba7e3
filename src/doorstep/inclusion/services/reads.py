"""Staff reads of a resident's digital inclusion records, audited."""

from collections.abc import Iterable

from doorstep.core import audit


def record_check_view(*, actor, resident_id: int, object_id="", detail="", request=None) -> None:
    record_view(
        actor=actor,
        resident_id=resident_id,
        object_type="skills_check",
        object_id=object_id,
        detail=detail,
        request=request,
    )


def record_view(
    *, actor, resident_id, object_type: str, object_id="", detail="", request=None
) -> None:
    """Every staff read of a resident's data is audited, Friends' reads included."""
    audit.record(
        actor=actor,
        action="view",
        object_type=object_type,
        object_id=object_id,
        resident_id=resident_id,
        detail=detail,
        request=request,
    )


def record_resident_view(*, actor, resident_id: int, detail="", request=None) -> None:
    """A page that shows the resident's record (name, reference, contact) for a form."""
    record_view(
        actor=actor,
        resident_id=resident_id,
        object_type="resident",
        object_id=resident_id,
        detail=detail,
        request=request,
    )


def record_list_view(
    *, actor, resident_ids: Iterable[int | None], object_type: str, detail="", request=None
) -> None:
    """A list that names several residents: one record for each resident on it."""
    for resident_id in sorted({pk for pk in resident_ids if pk}):
        record_view(
            actor=actor,
            resident_id=resident_id,
            object_type=object_type,
            detail=detail,
            request=request,
        )
