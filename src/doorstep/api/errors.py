"""Error responses: every problem comes back as JSON a developer can act on.

422 responses always look like
    {"detail": [{"loc": ["body", "postcode"], "msg": "Enter a real postcode, like E8 1DY",
                 "type": "value_error"}]}
whether the problem was found by the schema (wrong type, unknown field) or by the resident
rules in residents.services, so callers handle one format.
"""

import json

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from doorstep.residents.models import Resident
from doorstep.residents.services import EDITABLE_FIELDS, FIELD_LABELS, clean_resident_data

from .auth import InvalidToken, ScopeRefused
from .models import Scope

# The name of the body parameter in every operation; hidden from callers' error locations.
BODY_PARAM = "payload"
READ_ONLY_FIELDS = {
    "id",
    "reference",
    "identifiers",
    "flags",
    "created_at",
    "updated_at",
    "merged_into",
}
MISSING_HEADER_MESSAGE = (
    "Send an API token in the Authorization header, like 'Authorization: Bearer dst_…'"
)


class NotFoundError(Exception):
    def __init__(self, detail: str, *, merged_into: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.merged_into = merged_into


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Values(dict):
    """Values for a message template; a value the error did not give reads as 'None'."""

    def __missing__(self, key: str) -> str:
        return "None"


JSON_OBJECT = "Send the details as a JSON object"
# Messages by error type: {label} as it reads inside a sentence, {Label} to start one, and
# the error's own context (max_length, le, ge…).
MESSAGES = {
    "model_attributes_type": JSON_OBJECT,
    "dict_type": JSON_OBJECT,
    "model_type": JSON_OBJECT,
    "string_too_long": "The {label} must be {max_length} characters or fewer",
    "string_type": "{Label} must be text",
    "bool_type": "{Label} must be true or false",
    "bool_parsing": "{Label} must be true or false",
    "list_type": "{Label} must be a list",
    "int_type": "{Label} must be a whole number",
    "int_parsing": "{Label} must be a whole number",
    "int_from_float": "{Label} must be a whole number",
    "less_than_equal": "{Label} must be {le} or less",
    "greater_than_equal": "{Label} must be {ge} or more",
}
DATE_MESSAGE = "{Label} must be a real date, like 1980-02-01"


def _field_of(error: dict) -> tuple[str, str]:
    """The field's name and its label ('phone number 2' for the second phone)."""
    loc = list(error.get("loc") or [])
    position = None
    if len(loc) >= 2 and isinstance(loc[-1], int):
        position = loc[-1] + 1
        loc = loc[:-1]
    name = str(loc[-1]) if len(loc) > 1 else ""
    if position is not None and name == "phones":
        return name, f"phone number {position}"
    return name, _label(name)


# What a field sent by mistake is not, by the operation's URL name; other operations say
# it is not a field the request takes.
UNKNOWN_FIELD_TEXT = {
    "residents": "a field of a resident record",
    "resident": "a field of a resident record",
    "resident_assessments": "part of an assessment",
}


def _extra(name: str, label: str, ctx: dict) -> str:
    url_name = ctx.get("url_name", "")
    if url_name in RESIDENT_BODY_URLS and name in READ_ONLY_FIELDS:
        return f"'{name}' cannot be changed"
    return f"'{name}' is not {UNKNOWN_FIELD_TEXT.get(url_name, 'a field this request takes')}"


def _missing(name: str, label: str, ctx: dict) -> str:
    if not name:
        return JSON_OBJECT
    if name in ("first_name", "last_name"):
        return f"Enter the resident's {label}"
    return f"Enter {label}"


def _not_a_choice(name: str, label: str, ctx: dict) -> str:
    if name == "preferred_contact":
        return f"Choose how the resident prefers to be contacted: {ctx.get('expected')}"
    return f"{_sentence(label)} must be one of {ctx.get('expected')}"


SPECIAL_MESSAGES = {
    "extra_forbidden": _extra,
    "missing": _missing,
    "literal_error": _not_a_choice,
}


def friendly_message(error: dict, *, url_name: str = "") -> str:
    """Plain-English text for a schema error, in the same voice as the resident rules."""
    kind = error.get("type", "")
    ctx = {**(error.get("ctx") or {}), "url_name": url_name}
    name, label = _field_of(error)
    if kind in SPECIAL_MESSAGES:
        return SPECIAL_MESSAGES[kind](name, label, ctx)
    template = MESSAGES.get(kind)
    if template is None and kind.startswith(("date_", "datetime_")):
        template = DATE_MESSAGE
    if template is None:
        return str(error.get("msg", "This value is not allowed"))
    return template.format_map(_Values(ctx, label=label, Label=_sentence(label)))


def _public_loc(loc) -> list:
    loc = list(loc or [])
    if len(loc) >= 2 and loc[0] == "body" and loc[1] == BODY_PARAM:
        del loc[1]
    return loc


# The operations whose body is a resident record (see routers/residents.py).
RESIDENT_BODY_URLS = {"residents", "resident"}
FIELD_ORDER = {name: position for position, name in enumerate([*EDITABLE_FIELDS, "phones"])}


def _resident_rule_errors(request: HttpRequest, failed: set[str]) -> list[dict]:
    """Check the fields the schema accepted against the resident rules as well.

    The schema runs first; without this a caller fixing a bad date would only then learn
    that the postcode is wrong too. Every problem comes back in one response instead.
    """
    match = request.resolver_match
    if request.method not in ("POST", "PATCH") or not match:
        return []
    if match.url_name not in RESIDENT_BODY_URLS:
        return []
    try:
        body = json.loads(request.body)
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    rest = {
        name: value for name, value in body.items() if name in FIELD_ORDER and name not in failed
    }
    resident = None
    if "resident_id" in match.kwargs:
        resident_id = str(match.kwargs["resident_id"])
        if not resident_id.isdecimal():
            # The path names no record: that is the error to fix first.
            return []
        resident = Resident.objects.filter(pk=int(resident_id)).first()
    try:
        # partial: missing required fields were already reported by the schema.
        clean_resident_data(rest, partial=True, resident=resident)
    except DjangoValidationError as error:
        return _rule_details(error)
    return []


def _rule_details(error: DjangoValidationError) -> list[dict]:
    detail = []
    for field, messages in error.message_dict.items():
        loc = ["body"] if field == NON_FIELD_ERRORS else ["body", field]
        detail.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    return detail


def _in_field_order(item: dict) -> int:
    loc = item["loc"]
    return FIELD_ORDER.get(str(loc[1]), len(FIELD_ORDER)) if len(loc) > 1 else -1


def _schema_errors(request: HttpRequest, exc: NinjaValidationError, api: NinjaAPI) -> HttpResponse:
    match = request.resolver_match
    url_name = (match.url_name if match else "") or ""
    detail = [
        {
            "loc": _public_loc(error.get("loc")),
            "msg": friendly_message(error, url_name=url_name),
            "type": error.get("type", "value_error"),
        }
        for error in exc.errors
    ]
    failed = {
        str(item["loc"][1])
        for item in detail
        if item["loc"][:1] == ["body"] and len(item["loc"]) > 1
    }
    detail.extend(_resident_rule_errors(request, failed))
    detail.sort(key=_in_field_order)
    return api.create_response(request, {"detail": detail}, status=422)


def _rule_errors(request: HttpRequest, exc: DjangoValidationError, api: NinjaAPI) -> HttpResponse:
    detail = sorted(_rule_details(exc), key=_in_field_order)
    return api.create_response(request, {"detail": detail}, status=422)


def _unauthorised(request: HttpRequest, exc: AuthenticationError, api: NinjaAPI) -> HttpResponse:
    if isinstance(exc, InvalidToken):
        message, challenge = exc.message, 'Bearer realm="doorstep", error="invalid_token"'
    else:
        message, challenge = MISSING_HEADER_MESSAGE, 'Bearer realm="doorstep"'
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = challenge
    return response


def scope_refused_message(scope: str) -> str:
    label = Scope(scope).label if scope in Scope.values else scope
    return (
        f"This API token may not do this: it needs the '{scope}' scope ({label}). "
        "An Administrator can create a token that has it."
    )


def _forbidden(request: HttpRequest, exc: ScopeRefused, api: NinjaAPI) -> HttpResponse:
    body = {"detail": scope_refused_message(exc.scope), "scope": exc.scope}
    response = api.create_response(request, body, status=403)
    response["WWW-Authenticate"] = (
        f'Bearer realm="doorstep", error="insufficient_scope", scope="{exc.scope}"'
    )
    return response


def _not_found(request: HttpRequest, exc: NotFoundError, api: NinjaAPI) -> HttpResponse:
    body: dict = {"detail": exc.detail}
    if exc.merged_into is not None:
        body["merged_into"] = exc.merged_into
    return api.create_response(request, body, status=404)


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(NinjaValidationError, lambda r, e: _schema_errors(r, e, api))
    api.add_exception_handler(DjangoValidationError, lambda r, e: _rule_errors(r, e, api))
    api.add_exception_handler(AuthenticationError, lambda r, e: _unauthorised(r, e, api))
    api.add_exception_handler(ScopeRefused, lambda r, e: _forbidden(r, e, api))
    api.add_exception_handler(NotFoundError, lambda r, e: _not_found(r, e, api))
