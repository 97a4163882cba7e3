"""Officer pages for texts: templates, sending to one resident, the conversation, opting a number
out or in, the Single View panel and the phone simulator (local outbox only)."""

import re
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core import audit
from doorstep.core.forms import add_service_errors
from doorstep.core.validators import format_phone_for_display
from doorstep.residents.models import Resident

from .. import queries, rules, services, sms
from ..forms import (
    LATER,
    NOW,
    OWN_TEXT,
    OptOutForm,
    PreviewForm,
    ReplyForm,
    SendForm,
    TemplateForm,
    new_key,
)
from ..models import Message, Template
from ..providers.outbox import reply_as_resident

SEE_TEXTS = ["messaging.view_message", "residents.view_resident"]
SEND_TEXTS = ["messaging.send_message", "residents.view_resident"]


def _resident(pk: int) -> Resident:
    return get_object_or_404(Resident.objects.prefetch_related("phones"), pk=pk)


def _record_view(request: HttpRequest, resident: Resident, detail: str) -> None:
    """Reading a resident's texts is a read of their record."""
    audit.record(
        actor=request.user,
        action="view",
        object_type="conversation",
        object_id=resident.pk,
        resident_id=resident.pk,
        detail=detail,
        request=request,
    )


def quiet_hours_words() -> str:
    """'between 9pm and 8am', or '' when texts may go at any hour."""
    quiet = rules.QuietHours.from_setting()
    if quiet is None:
        return ""
    return f"between {rules._clock_words(quiet.start)} and {rules._clock_words(quiet.end)}"


def count_words(info: sms.SmsInfo) -> str:
    """'112 characters, 1 text message. 48 more characters fit before it needs 2 texts'."""
    if info.fragments == 0:
        return info.summary
    left = info.characters_left_in_fragment
    return (
        f"{info.summary}. {left} more character{'' if left == 1 else 's'} "
        f"fit{'s' if left == 1 else ''} before it needs {info.fragments + 1} texts"
    )


def _preview(text: str) -> dict:
    """The message as it will be sent, and its count, from sms.measure."""
    info = sms.measure(text)
    return {"text": sms.normalise(text), "info": info, "count": count_words(info)}


# --- Templates (Administrators) -----------------------------------------------------------------


@permission_required("messaging.manage_templates", raise_exception=True)
def template_list(request):
    return render(
        request, "messaging/officer/templates.html", {"templates": queries.all_templates()}
    )


def _template_page(request, template: Template | None):
    initial = (
        {"name": template.name, "description": template.description, "body": template.body}
        if template
        else {}
    )
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = _preview(services.check_template_body(form.cleaned_data["body"]))
        else:
            try:
                saved = services.save_template(
                    actor=request.user,
                    template=template,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    body=form.cleaned_data["body"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Template ‘{saved.name}’ saved")
                return redirect("messaging:templates")
    elif template is not None and request.method == "GET":
        try:
            preview = _preview(services.check_template_body(template.body))
        except ValidationError:
            preview = None  # saved before today's rules: the errors show when it is saved
    context = {
        "form": form,
        "template": template,
        "preview": preview,
        "standard_placeholders": services.STANDARD_PLACEHOLDERS,
        "caller_placeholders": services.CALLER_PLACEHOLDERS,
        "example_values": services.example_values(),
        "footer": services.FIRST_CONTACT_FOOTER,
    }
    return render(request, "messaging/officer/template_form.html", context)


@permission_required("messaging.manage_templates", raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_new(request):
    return _template_page(request, None)


@permission_required("messaging.manage_templates", raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_edit(request, pk: int):
    return _template_page(request, get_object_or_404(Template, pk=pk))


@permission_required("messaging.manage_templates", raise_exception=True)
@require_POST
def template_deactivate(request, pk: int):
    template = get_object_or_404(Template, pk=pk)
    services.set_template_active(
        actor=request.user, template=template, active=False, request=request
    )
    messages.success(request, f"Template ‘{template.name}’ is no longer offered to officers")
    return redirect("messaging:templates")


@permission_required("messaging.manage_templates", raise_exception=True)
@require_POST
def template_activate(request, pk: int):
    template = get_object_or_404(Template, pk=pk)
    services.set_template_active(
        actor=request.user, template=template, active=True, request=request
    )
    messages.success(request, f"Template ‘{template.name}’ is offered to officers again")
    return redirect("messaging:templates")


def _writes_texts(view):
    """Staff who write texts: template managers and those who send them."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        user = request.user
        if not (
            user.has_perm("messaging.manage_templates") or user.has_perm("messaging.send_message")
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@_writes_texts
@require_POST
def preview(request):
    """The live count as an officer types: JSON from the same rules as sending (sms.py)."""
    user = request.user
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "Send the text to count"}, status=400)
    text, resident_pk = form.cleaned_data["text"], form.cleaned_data["resident"]
    error = ""
    shown = None
    if resident_pk is None:
        # A template: filled in with the example values, as the template page shows it.
        try:
            counted = shown = services.check_template_body(text) if text.strip() else ""
        except ValidationError as problem:
            counted, error = text, " ".join(problem.messages)
    else:
        if not user.has_perm("messaging.send_message"):
            raise PermissionDenied
        resident = _resident(resident_pk)
        number = request.POST.get("number") or None
        try:
            counted = services.preview_message(
                resident=resident, actor=user, body=text, number=number
            ).body
        except ValidationError as problem:
            counted, error = text, " ".join(problem.messages)
    info = sms.measure(counted)
    payload = {
        "summary": count_words(info),
        "length": info.length,
        "fragments": info.fragments,
        "encoding": info.encoding,
        "characters_left": info.characters_left_in_fragment,
        "error": error,
    }
    if shown is not None:
        payload["preview"] = shown
    return JsonResponse(payload)


# --- The conversation -----------------------------------------------------------------------


@permission_required(SEE_TEXTS, raise_exception=True)
def conversation(request, pk: int):
    resident = _resident(pk)
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
        "can_send": request.user.has_perm("messaging.send_message"),
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


@permission_required("messaging.send_message", raise_exception=True)
@require_POST
def mark_handled(request, pk: int):
    """Used by the conversation and the inboxes: `next` says where to go back to."""
    message = get_object_or_404(Message, pk=pk, direction=Message.Direction.INBOUND)
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


def _opt_page(request, pk: int, *, opting_out: bool):
    resident = _resident(pk)
    if resident.merged_into_id:
        raise Http404("That record was merged")
    states = queries.mobile_states(resident)
    numbers = [state.phone.number for state in states if state.opted_out != opting_out]
    reason_help = (
        "For example, ‘Asked at the front desk not to get texts’"
        if opting_out
        else "For example, ‘Rang to say they want texts again’"
    )
    form = OptOutForm(
        request.POST if request.method == "POST" else None,
        numbers=numbers,
        reason_help=reason_help,
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


@permission_required(SEND_TEXTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def opt_out(request, pk: int):
    return _opt_page(request, pk, opting_out=True)


@permission_required(SEND_TEXTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def opt_in(request, pk: int):
    return _opt_page(request, pk, opting_out=False)


# --- Sending to one resident ----------------------------------------------------------------


def _add_send_errors(form: SendForm, error: ValidationError) -> None:
    """Put a service refusal beside the field it is about, or at the top."""
    if isinstance(error, services.NotTextable):
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


def _sending_time(send_at):
    """When the text will really go: the time asked for, moved out of quiet hours."""
    asked = send_at or timezone.now()
    return asked, rules.next_send_time(asked)


@permission_required(SEND_TEXTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def send(request, pk: int):
    resident = _resident(pk)
    if resident.merged_into_id:
        return redirect("messaging:send", pk=resident.merged_into_id)
    able = queries.textability(resident)
    context = {
        "resident": resident,
        "refusals": able.refusals,
        "refusal_codes": able.codes,
        "quiet_hours": quiet_hours_words(),
    }
    if not able.numbers:
        if request.method == "GET":
            _record_view(request, resident, "Send a text")
        return render(request, "messaging/officer/send.html", context)

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
        numbers=able.numbers,
        initial={"when": NOW, "key": new_key()},
    )
    context.update(form=form, numbers=able.numbers, OWN_TEXT=OWN_TEXT, LATER=LATER)
    if request.method == "GET":
        _record_view(request, resident, "Send a text")
    elif action != "change" and form.is_valid():
        arguments = form.service_arguments()
        try:
            composed = services.preview_message(resident=resident, actor=request.user, **arguments)
        except ValidationError as error:
            _add_send_errors(form, error)
        else:
            send_at = form.cleaned_data["send_at"]
            if action == "send":
                try:
                    message = services.send_message(
                        resident=resident,
                        actor=request.user,
                        send_after=send_at,
                        idempotency_key=(
                            f"officer:{request.user.pk}:{resident.pk}:{form.cleaned_data['key']}"
                        ),
                        request=request,
                        **arguments,
                    )
                except ValidationError as error:
                    _add_send_errors(form, error)
                else:
                    messages.success(request, _sent_words(message))
                    return redirect("messaging:conversation", pk=resident.pk)
            else:
                asked, goes_at = _sending_time(send_at)
                context.update(
                    composed=composed,
                    preview=_preview(composed.body),
                    asked=asked if send_at else None,
                    goes_at=goes_at,
                    delayed=goes_at > asked,
                    template=arguments.get("template"),
                )
                return render(request, "messaging/officer/send_check.html", context)
    return render(request, "messaging/officer/send.html", context)


def _sent_words(message: Message) -> str:
    number = format_phone_for_display(message.number)
    if message.send_after > timezone.now() + timedelta(minutes=1):
        when = timezone.localtime(message.send_after, rules.UK)
        return (
            f"Your text to {number} will be sent at "
            f"{rules._clock_words(when.time())} on {when:%A} {when.day} {when:%B %Y}"
        )
    return f"Your text to {number} is being sent"


# --- The Single View panel ------------------------------------------------------------------


def panel_context(request: HttpRequest, resident) -> dict | None:
    """Two queries: the newest texts with the unread count, and opt-outs of the mobiles."""
    if not request.user.has_perm("messaging.view_message"):
        return None
    return {
        "resident": resident,
        "can_send": request.user.has_perm("messaging.send_message"),
        **queries.panel_summary(resident),
    }


# --- The phone simulator (local outbox only) ------------------------------------------------

_NUMBER = re.compile(r"^\+?\d{7,15}$")


def _simulator_on() -> None:
    if settings.SMS_PROVIDER != "outbox":
        raise Http404("The phone simulator works with the local outbox only")


@permission_required("messaging.view_message", raise_exception=True)
def simulator(request):
    _simulator_on()
    return render(
        request, "messaging/officer/simulator.html", {"phones": queries.simulator_numbers()}
    )


@permission_required("messaging.view_message", raise_exception=True)
@require_http_methods(["GET", "POST"])
def simulator_phone(request, number: str):
    _simulator_on()
    if not _NUMBER.match(number):
        raise Http404("Not a phone number")
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reply_as_resident(number=number, body=form.cleaned_data["body"])
        messages.success(request, "Reply sent. It is in the resident's conversation now")
        return redirect("messaging:simulator_phone", number=number)
    if request.method == "GET":
        audit.record(
            actor=request.user,
            action="view",
            object_type="simulator",
            object_id=number,
            request=request,
        )
    context = {
        "number": number,
        "display_number": format_phone_for_display(number),
        "thread": queries.simulator_thread(number),
        "form": form,
        "names": queries.names_for_number(number),
    }
    return render(request, "messaging/officer/simulator_phone.html", context)
