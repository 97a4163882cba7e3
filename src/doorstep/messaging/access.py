"""Who may see and send texts. Views, the API and the background work all ask here.

Texts are not limited by team: any member of staff with the permission sees a resident's
conversation, as they see the resident's record. API tokens act for a whole integration and
may read every text.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from doorstep.residents.models import Resident

from .models import Cohort, Message, Template

SEE_TEXTS = ("messaging.view_message", "residents.view_resident")
SEND_TEXTS = ("messaging.send_message", "residents.view_resident")


def _has(actor, *permissions: str) -> bool:
    has_perms = getattr(actor, "has_perms", None)
    return bool(has_perms and has_perms(permissions))


def can_see_texts(actor) -> bool:
    """The inboxes, the Single View panel and the phone simulator."""
    return _has(actor, "messaging.view_message")


def can_see_conversation(actor, resident: Resident | None = None) -> bool:
    """A resident's conversation, and linking texts from an unknown number to a resident."""
    return _has(actor, *SEE_TEXTS)


def can_send_text(actor, resident: Resident | None = None) -> bool:
    """Texting one resident, and opting their numbers out or in when they ask."""
    return _has(actor, *SEND_TEXTS)


def can_handle_texts(actor) -> bool:
    """Marking a resident's text as dealt with; the send links beside a conversation."""
    return _has(actor, "messaging.send_message")


def can_manage_templates(actor) -> bool:
    return _has(actor, "messaging.manage_templates")


def can_write_texts(actor) -> bool:
    """Counting characters as a text is typed: template managers and those who send texts."""
    return can_manage_templates(actor) or can_handle_texts(actor)


def can_send_group_text(actor) -> bool:
    """Group texts reach many residents at once: team leaders and administrators only."""
    return _has(actor, "messaging.send_cohort")


def can_use_simulator(actor) -> bool:
    return can_see_texts(actor)


def simulator_is_on() -> bool:
    """The phone simulator works with the local outbox only."""
    return settings.SMS_PROVIDER == "outbox"


def _is_integration(actor) -> bool:
    return not getattr(actor, "is_authenticated", False) and hasattr(actor, "token")


def allowed(check):
    """A view decorator: 403 for staff the `check(user)` refuses."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


# --- Finding the thing, or 404 ---------------------------------------------------------------


def get_resident_for(actor, pk: int) -> Resident:
    """The resident whose texts are asked for, for staff who see or send texts (merged records
    too: the pages send people on to the record it was merged into)."""
    resident = get_object_or_404(Resident.objects.prefetch_related("phones"), pk=pk)
    if not (can_see_texts(actor) or can_handle_texts(actor)):
        raise Http404
    return resident


def get_text_for(actor, pk: int) -> Message:
    """Any one text: for staff who see texts, and for API integrations (an integration's token
    acts for the whole service; the API checks the token itself)."""
    message = Message.objects.filter(pk=pk).first()
    if message is None or not (can_see_texts(actor) or _is_integration(actor)):
        raise Http404
    return message


def get_reply_for(actor, pk: int) -> Message:
    """A text from a resident (to mark handled, or to link to a resident)."""
    message = get_object_or_404(Message, pk=pk, direction=Message.Direction.INBOUND)
    if not can_see_texts(actor):
        raise Http404
    return message


def get_template_for(actor, pk: int) -> Template:
    template = get_object_or_404(Template, pk=pk)
    if not can_manage_templates(actor):
        raise Http404
    return template


def get_cohort_for(actor, pk: int) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("created_by", "template"), pk=pk)
    if not can_send_group_text(actor):
        raise Http404
    return cohort
