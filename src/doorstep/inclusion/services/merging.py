"""Records that follow a resident when two records are merged."""

from django.db import transaction

from ..models import (
    AccessNeeds,
    EventSignup,
    HelpRequest,
    SkillsCheck,
)


@transaction.atomic
def move_resident(*, from_resident_id: int, to_resident_id: int) -> int:
    """Checks and requests follow the person; access needs move if the kept record has none."""
    moved = SkillsCheck.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
    moved += HelpRequest.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
    moved += EventSignup.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
    if not AccessNeeds.objects.filter(resident_id=to_resident_id).exists():
        moved += AccessNeeds.objects.filter(resident_id=from_resident_id).update(
            resident_id=to_resident_id
        )
    return moved
