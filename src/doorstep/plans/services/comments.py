"""Comments on actions, from officers and from the resident."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from doorstep.core import actors

from ..models import Action, Comment
from .history import Change, _commit, _lock, actor_label


@transaction.atomic
def add_comment(
    *,
    actor,
    action: Action,
    body: str,
    by_resident: bool = False,
    request: HttpRequest | None = None,
) -> Comment:
    """Comments never clash: both sides' comments are all kept, in order."""
    plan = _lock(action.plan)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Enter your comment"]})
    if len(body) > 2000:
        raise ValidationError({"body": ["Use 2,000 characters or fewer"]})
    comment = Comment.objects.create(
        action=action,
        body=body,
        author=actors.staff_or_none(actor),
        author_label=actor_label(actor, by_resident)[:200],
        by_resident=by_resident,
    )
    _commit(
        plan=plan,
        actor=actor,
        changes=[Change("action", action.pk, f"Comment on ‘{action.description}’", "", body)],
        summary=f"Comment on ‘{action.description}’",
        by_resident=by_resident,
        request=request,
    )
    return comment
