"""What the residents pages do with a form: call the service once it is valid, then say so."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from doorstep.core.forms import add_service_errors


def posted(request: HttpRequest):
    """The form data on a POST, None on a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    form,
    save: Callable[[], Any],
    *,
    done: str | Callable[[Any], str] | None,
    then: Any,
    template: str,
    context: dict,
) -> HttpResponse:
    """On a POST with a valid form, call `save` (the service), say `done` and go to `then`;
    either may be a function of what `save` returned, and `done=None` says nothing.

    Otherwise show `template` with the form and `context`: a GET, a form with errors, or
    the service's ValidationError, which goes onto the form beside its field.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if done is not None:
                messages.success(request, done(saved) if callable(done) else done)
            return redirect(then(saved) if callable(then) else then)
    return render(request, template, {"form": form, **context})
