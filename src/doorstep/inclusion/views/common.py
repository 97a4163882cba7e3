"""What every inclusion page does with a form: run the service once it is valid."""

from collections.abc import Callable

from django.core.exceptions import ValidationError

from doorstep.core.forms import add_service_errors


def posted(request):
    """The form data on a POST, None on a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def run_form(
    request, form, action: Callable[[], object], *, names: dict[str, str] | None = None
) -> object | None:
    """On a POST with a valid form, run `action` (a service call) and return what it made.

    None means show the page again: a GET, a form with errors, or the service's rule errors,
    which are put on the form field by field (`names` maps the service's field names to the
    form's where they differ).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as error:
        if names:
            error = ValidationError({names.get(k, k): v for k, v in error.message_dict.items()})
        add_service_errors(form, error)
        return None
