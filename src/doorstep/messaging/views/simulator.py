"""The phone simulator (local outbox only): what each number's phone got, and a reply box."""

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from doorstep.core.validators import format_phone_for_display

from .. import access, queries, services
from ..forms import ReplyForm

_NUMBER = re.compile(r"^\+?\d{7,15}$")

uses_simulator = access.allowed(access.can_use_simulator)


def _simulator_on() -> None:
    if not access.simulator_is_on():
        raise Http404("The phone simulator works with the local outbox only")


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
    if not _NUMBER.match(number):
        raise Http404("Not a phone number")
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
