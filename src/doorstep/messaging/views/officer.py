"""Officer pages for one resident's texts: the conversation, sending a text, opting a number out
or in, and marking a text as handled."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core.forms import add_service_errors
from doorstep.core.validators import format_phone_for_display

from .. import access, composing, queries, rules, services
from ..forms import LATER, NOW, OWN_TEXT, OptOutForm, SendForm, new_key
from ..models import Message
from .words import quiet_hours_words, sent_words, text_preview

sees_texts = access.allowed(access.can_see_conversation)
sends_texts = access.allowed(access.can_send_text)


def _record_view(request, resident, detail: str) -> None:
    """Reading a resident's texts is a read of their record."""
    services.record_view(
        actor=request.user,
        object_type="conversation",
        object_id=resident.pk,
        resident_id=resident.pk,
        detail=detail,
        request=request,
    )


# --- The conversation -----------------------------------------------------------------------


@sees_texts
def conversation(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    if resident.merged_into_id:
        return redirect("messaging:conversation", pk=resident.merged_into_id)
    conversation = queries.conversation(resident.pk)
    _record_view(request, resident, "Texts")
    # Shown as new on this page, then read.
    new_ids = {
        message.pk
        for message in conversation.messages
        if message.direction == Message.Direction.INBOUND and not message.read_at
    }
    services.mark_read(messages=conversation.messages, actor=request.user)
    for message in conversation.messages:
        message.number_display = format_phone_for_display(message.number)
    mobiles = queries.mobile_states(resident)
    context = {
        "resident": resident,
        "conversation": conversation,
        "new_ids": new_ids,
        "mobiles": mobiles,
        "can_opt_out": any(not state.opted_out for state in mobiles),
        "can_opt_in": any(state.opted_out for state in mobiles),
        "can_send": access.can_handle_texts(request.user),
        "now": timezone.now(),
    }
    return render(request, "messaging/officer/conversation.html", context)


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@access.allowed(access.can_handle_texts)
@require_POST
def mark_handled(request, pk: int):
    """Used by the conversation and the inboxes: `next` says where to go back to."""
    message = access.get_reply_for(request.user, pk)
    services.mark_handled(message=message, actor=request.user, request=request)
    messages.success(request, "Text marked as handled")
    if message.resident_id:
        fallback = reverse("messaging:conversation", args=[message.resident_id])
    else:
        try:
            fallback = reverse("messaging:inbox")
        except NoReverseMatch:
            fallback = reverse("home")
    return redirect(_next_url(request, fallback))


# --- Opting a number out or in --------------------------------------------------------------

_REASON_HELP = {
    True: "For example, ‘Asked at the front desk not to get texts’",
    False: "For example, ‘Rang to say they want texts again’",
}


def _opt_page(request, pk: int, *, opting_out: bool):
    resident = access.get_resident_for(request.user, pk)
    if resident.merged_into_id:
        raise Http404("That record was merged")
    states = queries.mobile_states(resident)
    numbers = [state.phone.number for state in states if state.opted_out != opting_out]
    form = OptOutForm(
        request.POST if request.method == "POST" else None,
        numbers=numbers,
        reason_help=_REASON_HELP[opting_out],
    )
    if request.method == "POST" and numbers and form.is_valid():
        number = form.cleaned_data["number"]
        change = services.opt_out if opting_out else services.opt_in
        try:
            change(
                resident=resident,
                number=number,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            shown = format_phone_for_display(number)
            messages.success(
                request,
                f"{shown} will not get any more texts"
                if opting_out
                else f"{shown} can get texts again",
            )
            return redirect("messaging:conversation", pk=resident.pk)
    elif request.method == "GET":
        _record_view(request, resident, "Opt out" if opting_out else "Opt in")
    context = {"resident": resident, "form": form, "numbers": numbers, "opting_out": opting_out}
    return render(request, "messaging/officer/opt_form.html", context)


@sends_texts
@require_http_methods(["GET", "POST"])
def opt_out(request, pk: int):
    return _opt_page(request, pk, opting_out=True)


@sends_texts
@require_http_methods(["GET", "POST"])
def opt_in(request, pk: int):
    return _opt_page(request, pk, opting_out=False)


# --- Sending to one resident ----------------------------------------------------------------


def _add_send_errors(form: SendForm, error: ValidationError) -> None:
    """Put a service refusal beside the field it is about, or at the top."""
    if isinstance(error, composing.NotTextable):
        field = "number" if error.code in {"landline", "not_their_number", "opted_out"} else None
        if field and form.number_is_hidden:
            field = None
        form.add_error(field, error.messages[0])
        return
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    field = "body" if form.cleaned_data.get("choice") == OWN_TEXT else None
    for message in error.messages:
        form.add_error(field, message)


def _send_form(request, resident, numbers) -> tuple[SendForm, str]:
    data = None
    action = request.POST.get("action", "check")
    if request.method == "POST":
        data = request.POST.copy()
        if action == "change" or not data.get("key"):
            data["key"] = new_key()  # a changed text is a new text
    form = SendForm(
        data,
        resident=resident,
        templates=queries.active_templates(),
        numbers=numbers,
        initial={"when": NOW, "key": new_key()},
    )
    return form, action


def _send_now(request, resident, form: SendForm, arguments: dict):
    """Queue the text and go back to the conversation, or None with the refusal on the form."""
    try:
        message = services.send_message(
            resident=resident,
            actor=request.user,
            send_after=form.cleaned_data["send_at"],
            idempotency_key=f"officer:{request.user.pk}:{resident.pk}:{form.cleaned_data['key']}",
            request=request,
            **arguments,
        )
    except ValidationError as error:
        _add_send_errors(form, error)
        return None
    messages.success(request, sent_words(message))
    return redirect("messaging:conversation", pk=resident.pk)


def _check_page(request, context: dict, composed, form: SendForm, arguments: dict):
    """The text as it will be sent, and when, for the officer to check before sending."""
    send_at = form.cleaned_data["send_at"]
    asked = send_at or timezone.now()
    goes_at = rules.next_send_time(asked)  # moved out of quiet hours
    context.update(
        composed=composed,
        preview=text_preview(composed.body),
        asked=asked if send_at else None,
        goes_at=goes_at,
        delayed=goes_at > asked,
        template=arguments.get("template"),
    )
    return render(request, "messaging/officer/send_check.html", context)


def _checked_or_sent(request, resident, form: SendForm, action: str, context: dict):
    """The check page, or the text queued; None when the form gets the refusal."""
    arguments = form.service_arguments()
    try:
        composed = composing.preview_message(resident=resident, actor=request.user, **arguments)
    except ValidationError as error:
        _add_send_errors(form, error)
        return None
    if action == "send":
        return _send_now(request, resident, form, arguments)
    return _check_page(request, context, composed, form, arguments)


@sends_texts
@require_http_methods(["GET", "POST"])
def send(request, pk: int):
    resident = access.get_resident_for(request.user, pk)
    if resident.merged_into_id:
        return redirect("messaging:send", pk=resident.merged_into_id)
    able = queries.textability(resident)
    context = {
        "resident": resident,
        "refusals": able.refusals,
        "refusal_codes": able.codes,
        "quiet_hours": quiet_hours_words(),
    }
    if request.method == "GET":
        _record_view(request, resident, "Send a text")
    if not able.numbers:
        return render(request, "messaging/officer/send.html", context)
    form, action = _send_form(request, resident, able.numbers)
    context.update(form=form, numbers=able.numbers, OWN_TEXT=OWN_TEXT, LATER=LATER)
    if request.method == "POST" and action != "change" and form.is_valid():
        response = _checked_or_sent(request, resident, form, action, context)
        if response is not None:
            return response
    return render(request, "messaging/officer/send.html", context)
