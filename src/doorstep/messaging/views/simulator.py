"""The phone simulator (local outbox only): what each number's phone got, and a reply box."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from doorstep.core.validators import format_phone_for_display, normalise_phone

from .. import access, queries, services
from ..forms import ReplyForm

uses_simulator = access.allowed(access.can_use_simulator)


def _simulator_on() -> None:
    if not access.simulator_is_on():
        raise Http404("The phone simulator works with the local outbox only")


def _phone_number(number: str) -> str:
    """The number in the form texts are stored in (+44…); Http404 if it is not a number."""
    try:
        return normalise_phone(number)
    except ValidationError:
        raise Http404("Not a phone number") from None


@uses_simulator
def simulator(request):
    _simulator_on()
    return render(
        request, "messaging/officer/simulator.html", {"phones": queries.simulator_numbers()}
    )


@uses_simulator
@require_http_methods(["GET", "POST"])
def simulator_phone(request, number: str):
    _simulator_on()
    stored = _phone_number(number)
    if stored != number:
        # 07700 900001 and +447700900001 are one phone: show it under the stored form.
        return redirect("messaging:simulator_phone", number=stored)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.reply_as_resident(number=number, body=form.cleaned_data["body"])
        messages.success(request, "Reply sent. It is in the resident's conversation now")
        return redirect("messaging:simulator_phone", number=number)
    if request.method == "GET":
        services.record_view(
            actor=request.user, object_type="simulator", object_id=number, request=request
        )
    context = {
        "number": number,
        "display_number": format_phone_for_display(number),
        "thread": queries.simulator_thread(number),
        "form": form,
        "names": queries.names_for_number(number),
    }
    return render(request, "messaging/officer/simulator_phone.html", context)
