"""Texts through the API: send one to a resident, list a resident's texts, read one text."""

import datetime
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, P, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from doorstep.messaging import access, queries
from doorstep.messaging import services as messaging
from doorstep.messaging.models import Message

from ..errors import NotFoundError
from ..schemas import Input, IsoDateTime, NotFound, ValidationErrors
from ..schemas import Message as Detail
from .residents import _live_resident

router = Router(tags=["Texts"])


class MessageCreate(Input):
    body: str | None = Field(
        None, description="The text, with ((placeholders)) if wanted. Give this or template_id."
    )
    template_id: int | None = Field(None, description="A template to send instead of `body`")
    values: dict[str, str] = Field(
        default_factory=dict,
        description="Values for placeholders the caller supplies, like {'due date': '1 May'}. "
        "((first name)), ((last name)), ((full name)) and ((council)) are filled in for you.",
    )
    number: str | None = Field(
        None, description="Which of the resident's mobiles, E.164; default: their main mobile"
    )
    send_after: IsoDateTime | None = Field(
        None, description="Send at this time (ISO 8601 with a time zone); default now"
    )
    idempotency_key: str | None = Field(
        None,
        max_length=100,
        description="Your own key: a repeated request with the same key returns the first "
        "text instead of sending another. The Idempotency-Key header does the same.",
    )


class MessageOut(Schema):
    id: int
    reference: uuid.UUID
    resident_id: int | None
    direction: str
    kind: str
    status: str
    status_label: str = Field(..., description="The status in words, as officers see it")
    number: str
    body: str
    fragments: int
    encoding: str
    error: str
    template_id: int | None
    created_at: datetime.datetime
    send_after: datetime.datetime
    sent_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    received_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj: Message) -> str:
        return obj.get_status_display()


class MessagePage(Schema):
    count: int
    items: list[MessageOut]


def _validation_error(error: DjangoValidationError, field: str | None = None):
    loc = ["body", field] if field else ["body"]
    return NinjaValidationError(
        [
            {"loc": loc, "msg": message, "type": getattr(error, "code", None) or "value_error"}
            for message in error.messages
        ]
    )


def _problem(loc: list, message: str) -> NinjaValidationError:
    """A 422 about one place in the request, as every other problem is reported."""
    return NinjaValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def _record_read(request: HttpRequest, *, resident_id: int | None, detail: str, object_id=""):
    messaging.record_view(
        actor=request.auth,
        object_type="message",
        object_id=object_id,
        resident_id=resident_id,
        detail=detail,
        request=request,
    )


@router.post(
    "/residents/{resident_id}/messages",
    response={200: MessageOut, 201: MessageOut, 401: Detail, 404: NotFound, 422: ValidationErrors},
    summary="Text a resident",
    description=(
        "Queues a text; it is sent in the background (not in quiet hours, never to a resident "
        "who has not agreed to texts or has opted out: those give 422 with the reason). "
        "201 with the new text, or 200 with the first one when the idempotency key was used before."
    ),
)
def send(request: HttpRequest, resident_id: int, payload: MessageCreate, response: HttpResponse):
    resident = _live_resident(resident_id)
    key = payload.idempotency_key or request.headers.get("Idempotency-Key") or None
    idempotency_key = f"api:{request.auth.token.pk}:{key}" if key else None
    if idempotency_key:
        earlier = queries.text_with_key(idempotency_key)
        if earlier is not None:
            return Status(200, earlier)
    if payload.body and payload.template_id:
        raise _problem(["body"], "Send either body or template_id, not both")
    template = None
    if payload.template_id is not None:
        template = queries.active_template(payload.template_id)
        if template is None:
            raise _problem(
                ["body", "template_id"],
                f"There is no template in use with id {payload.template_id}",
            )
    if payload.send_after is not None and payload.send_after.tzinfo is None:
        raise _problem(
            ["body", "send_after"],
            "Give send_after with a time zone, like 2026-11-23T10:00:00+00:00",
        )
    try:
        message = messaging.send_message(
            resident=resident,
            actor=request.auth,
            body=payload.body or "",
            template=template,
            values=payload.values,
            number=payload.number,
            send_after=payload.send_after,
            idempotency_key=idempotency_key,
            request=request,
        )
    except messaging.NotTextable as error:
        raise _validation_error(error, "number" if payload.number else None) from error
    except DjangoValidationError as error:
        raise _validation_error(
            error, "body" if payload.body is not None else "template_id"
        ) from error
    response["Location"] = reverse("api:message", args=[message.pk])
    return Status(201, message)


@router.get(
    "/residents/{resident_id}/messages",
    response={200: MessagePage, 401: Detail, 404: NotFound, 422: ValidationErrors},
    summary="A resident's texts",
    description="Texts to and from the resident, newest first.",
)
def list_for_resident(
    request: HttpRequest,
    resident_id: int,
    limit: Query[int, P(ge=1, le=200, description="The most texts to return")] = 50,
    before_id: Query[int | None, P(description="Only texts older than this id (paging)")] = None,
):
    resident = _live_resident(resident_id)
    items = queries.resident_texts(resident.pk, before_id=before_id, limit=limit)
    _record_read(request, resident_id=resident.pk, detail=f"{len(items)} texts")
    return {"count": len(items), "items": items}


@router.get(
    "/messages/{message_id}",
    response={200: MessageOut, 401: Detail, 404: NotFound},
    summary="Get a text",
    url_name="message",
)
def detail(request: HttpRequest, message_id: int):
    try:
        message = access.get_text_for(request.auth, message_id)
    except Http404 as missing:
        raise NotFoundError(f"There is no text with id {message_id}") from missing
    _record_read(request, resident_id=message.resident_id, detail="Text", object_id=message.pk)
    return message
