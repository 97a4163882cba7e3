"""Asking a resident for documents: the request, its documents, and the text with the link."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from doorstep.cases.models import Case
from doorstep.core import actors, resident_links, service_events
from doorstep.core.models import Team
from doorstep.messaging import services as messaging
from doorstep.residents.models import Resident

from ..access import can_be_reviewer
from ..links import LINK, link_expiry, link_url
from ..models import DocumentType, EvidenceRequest, RequestedDocument
from ..recording import on_timeline, record
from .reminders import due_words, schedule_reminders

MAX_DUE_DAYS = 366

LINK_TEXT = (
    "Hello ((first name)), ((council)) needs some documents from you by ((due date)). "
    "Take photos or send files here: ((link))"
)
NEW_LINK_TEXT = (
    "Hello ((first name)), here is a new link to send the documents ((council)) asked "
    "for. Please send them by ((due date)): ((link))"
)


@dataclass
class DocumentAsked:
    """One document in a new request. With no reviewer and no team, the type's default team
    reviews it, else the officer asking."""

    document_type: DocumentType
    note: str = ""
    reviewer: object | None = None
    reviewer_team: Team | None = None


@dataclass
class SentLink:
    """What the officer needs after a link goes out: the token (shown once, never stored),
    the link, the text queued, and if no text could go, why not in plain words."""

    evidence_request: EvidenceRequest
    token: str
    link: str
    message: object | None = None
    text_problem: str = ""


def _as_asked(item) -> DocumentAsked:
    if isinstance(item, DocumentAsked):
        return item
    return DocumentAsked(
        document_type=item["document_type"],
        note=item.get("note") or "",
        reviewer=item.get("reviewer"),
        reviewer_team=item.get("reviewer_team"),
    )


def _check_documents(actor, documents: list[DocumentAsked]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not documents:
        errors["document_types"] = ["Choose at least one document to ask for"]
        return errors
    seen = set()
    for asked in documents:
        name = asked.document_type.name
        if asked.document_type.pk in seen:
            errors.setdefault("document_types", []).append(f"Choose {name} only once")
        seen.add(asked.document_type.pk)
        if not asked.document_type.active:
            errors.setdefault("document_types", []).append(
                f"{name} is no longer asked for: choose another document"
            )
        if len(asked.note) > 300:
            errors.setdefault(f"note_{asked.document_type.pk}", []).append(
                "The note must be 300 characters or fewer"
            )
        reviewer_key = f"reviewer_{asked.document_type.pk}"
        if asked.reviewer is not None and not can_be_reviewer(asked.reviewer):
            errors.setdefault(reviewer_key, []).append(
                f"{asked.reviewer} cannot review documents. Choose another officer or a team"
            )
        if (
            asked.reviewer is None
            and asked.reviewer_team is None
            and asked.document_type.default_team_id is None
            and not actors.is_staff(actor)
        ):
            errors.setdefault(reviewer_key, []).append(
                f"Choose who reviews {name}: it has no usual team"
            )
    return errors


def _check_due_date(due_date: datetime.date | None) -> list[str]:
    today = timezone.localdate()
    if due_date is None:
        return ["Enter the date the documents are due"]
    if due_date < today:
        return ["The due date must be today or in the future"]
    if due_date > today + datetime.timedelta(days=MAX_DUE_DAYS):
        return ["The due date must be within a year"]
    return []


def _check_request(actor, resident: Resident, asked, due_date, case: Case | None) -> None:
    errors = _check_documents(actor, asked)
    if due_problems := _check_due_date(due_date):
        errors["due_date"] = due_problems
    if resident.merged_into_id:
        errors.setdefault("__all__", []).append(
            "That record was merged: ask from the record it was merged into"
        )
    if resident.date_of_birth is None:
        errors.setdefault("__all__", []).append(
            f"Add {resident.full_name}'s date of birth to their record first: they confirm it "
            "before the link shows what is asked for"
        )
    if case is not None and case.resident_id != resident.pk:
        errors["case"] = ["Choose one of the resident's own cases"]
    if errors:
        raise ValidationError(errors)


def request_text(resident: Resident) -> str:
    return LINK_TEXT


@transaction.atomic
def create_request(
    *,
    actor,
    resident: Resident,
    documents: list,
    due_date: datetime.date | None,
    case: Case | None = None,
    request=None,
) -> SentLink:
    """Ask a resident for documents and text them the link.

    Raises ValidationError (keyed by field: document_types, due_date, reviewer_<type id>,
    note_<type id>, case) and writes nothing then. If the resident cannot be texted the request
    is still made: `text_problem` says why, and the officer reads out or prints the link.
    """
    asked = [_as_asked(item) for item in documents]
    _check_request(actor, resident, asked, due_date, case)
    team = case.team if case is not None else actors.first_team(actor)
    evidence_request, token = resident_links.issue(
        LINK,
        expires_at=link_expiry(due_date),
        resident=resident,
        case=case,
        created_by=actors.staff_or_none(actor),
        created_by_label=str(actor)[:200],
        team=team,
        due_date=due_date,
    )
    for item in asked:
        _add_document(evidence_request, item, actor=actor)
    names = [item.document_type.name for item in asked]
    record(
        evidence_request,
        actor=actor,
        action="create",
        summary=f"Asked for {', '.join(names)}, due {due_date.isoformat()}",
        request=request,
        timeline=on_timeline(
            f"Documents asked for: {', '.join(names)} (due {due_words(due_date)})",
            source=evidence_request,
        ),
        event={
            "name": "evidence.requested",
            "team": team,
            "channel": "digital",
            "value": len(asked),
            "source": evidence_request,
            "attributes": {"document_types": names},
        },
    )
    service_events.transaction_started(
        service="evidence_request", source=evidence_request, team=team, channel="digital"
    )
    sent = SentLink(evidence_request=evidence_request, token=token, link=link_url(token))
    text_link(sent, actor=actor, request=request)
    schedule_reminders(evidence_request=evidence_request, token=token, actor=actor)
    return sent


def _add_document(evidence_request: EvidenceRequest, item: DocumentAsked, *, actor) -> None:
    reviewer, reviewer_team = item.reviewer, item.reviewer_team
    if reviewer is None and reviewer_team is None:
        if item.document_type.default_team_id:
            reviewer_team = item.document_type.default_team
        else:
            reviewer = actor
    RequestedDocument.objects.create(
        request=evidence_request,
        document_type=item.document_type,
        note=item.note.strip(),
        reviewer=reviewer,
        reviewer_team=reviewer_team,
    )


def text_link(sent: SentLink, *, actor, request=None, again: bool = False) -> None:
    """Text the link; a resident who cannot be texted (or a text that cannot be composed) does
    not stop the request: `sent.text_problem` says why."""
    evidence_request = sent.evidence_request
    body = NEW_LINK_TEXT if again else request_text(evidence_request.resident)
    try:
        with transaction.atomic():
            sent.message = messaging.send_message(
                resident=evidence_request.resident,
                actor=actor,
                body=body,
                values={"due date": due_words(evidence_request.due_date)},
                secrets={"link": sent.link},
                team=evidence_request.team,
                idempotency_key=(
                    f"evidence:{evidence_request.pk}:link:{evidence_request.token_hash[:16]}"
                ),
                request=request,
            )
    except messaging.NotTextable as error:
        sent.text_problem = error.messages[0]
    except ValidationError as error:
        # A text that cannot be composed (e.g. too long) must not stop the request.
        sent.text_problem = " ".join(error.messages)


def move_requests(from_resident_id: int, to_resident_id: int) -> int:
    """Requests follow a resident record merged into another (called by the merge)."""
    return EvidenceRequest.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
