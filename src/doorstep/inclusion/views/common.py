"""What every inclusion page does with a form: run the service once it is valid."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from doorstep.core.forms import add_service_errors

STAFF = object()  # run_form's default actor: the signed-in member of staff


def posted(request):
    """The form data on a POST, None on a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def _form_arguments(form) -> dict:
    arguments = getattr(form, "service_arguments", None)
    return arguments() if arguments else dict(form.cleaned_data)


def run_form(
    request,
    form,
    service: Callable,
    *,
    actor=STAFF,
    names: dict[str, str] | None = None,
    **arguments,
):
    """On a POST with a valid form, call `service` with the actor, the request, `arguments`
    and the form's values (its `service_arguments()`, or its cleaned data), and return what
    it made.

    None means show the page again: a GET, a form with errors, or the service's rule errors,
    which are put on the form field by field (`names` maps the service's field names to the
    form's where they differ).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(
            actor=request.user if actor is STAFF else actor,
            request=request,
            **arguments,
            **_form_arguments(form),
        )
    except ValidationError as error:
        if names:
            error = ValidationError({names.get(k, k): v for k, v in error.message_dict.items()})
        add_service_errors(form, error)
        return None


def run_button(request, service: Callable, *, success: str, then, refused=None, **arguments):
    """A button with no form: call `service` and go to `then` saying `success`; when the
    service refuses, go to `refused` (by default `then` too) with its first rule error."""
    try:
        service(actor=request.user, request=request, **arguments)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(refused or then)
    messages.success(request, success)
    return redirect(then)


def report(request, done: str, warnings: list[str]) -> None:
    """Say what was done. When a text could not go, one important (blue) banner says what was
    done and why no text went: a green success banner beside it would suggest all went out."""
    if not warnings:
        messages.success(request, done)
        return
    messages.warning(request, " ".join([f"{done}.", *(f"{warning}." for warning in warnings)]))
