"""Every change to evidence requests and uploads: asking, the resident's link, files, sending.

The link: a random token goes out in the text; only its SHA-256 is stored, so a copy of the
database cannot open links. The resident confirms their date of birth before the page shows what
is asked for (3 wrong answers lock the link for 30 minutes, counted on the request row so a cache
clear does not reset them).

Files: an upload is checked at once (size, then type from its first bytes) so the resident gets
a plain answer straight away, stored encrypted under a random name, and recorded as "received";
the background task in tasks.py sanitises and scans it. Nothing is half-written: a failed storage
write leaves no row, and a failed row removes the stored file.

Decisions on documents (accept, reject, claim) are in review.py.
"""

import datetime
import hashlib
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from doorstep.cases.models import Case
from doorstep.core import audit, service_events, timeline, tokens
from doorstep.core.models import Team
from doorstep.core.tokens import hash_token
from doorstep.residents.models import Resident

from .filetypes import HEAD_BYTES, RefusedFile, check_size, quoted, safe_filename, sniff
from .models import DocumentType, EvidenceRequest, RequestedDocument, UploadedFile

log = logging.getLogger(__name__)

TOKEN_BYTES = 24  # 192 bits, 32 characters in the link
DOB_TRIES = 3
LOCK_MINUTES = 30
# A new link sent after the due date (a resend, a re-request) works at least this long.
RESENT_LINK_DAYS = 14
MAX_DUE_DAYS = 366
NUDGE_CONDITION = "evidence.uploads_in"
# Who the audit log names when the resident acts through their link.
RESIDENT_ACTOR = "resident (document link)"

# Files that count towards a document: kept, or still being checked.
LIVE_FILE_STATUSES = [
    UploadedFile.Status.RECEIVED,
    UploadedFile.Status.READY,
    UploadedFile.Status.FLAGGED,
]


# --- Links -----------------------------------------------------------------------------------

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def make_token() -> str:
    return tokens.new_token(TOKEN_BYTES)


def link_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("evidence:link", args=[token])


def find_request_by_token(token: str) -> EvidenceRequest | None:
    """The request a link opens, or None. Looked up by the token's hash, so the database
    compares hashes and how long a lookup takes says nothing about the token."""
    if not token or not _TOKEN_SHAPE.match(token):
        return None
    return (
        EvidenceRequest.objects.select_related("resident", "created_by", "team")
        .filter(token_hash=hash_token(token))
        .first()
    )


def link_expiry(due_date: datetime.date) -> datetime.datetime:
    """Midnight at the end of the due date plus the grace period, local time."""
    last_day = due_date + datetime.timedelta(days=settings.EVIDENCE_LINK_GRACE_DAYS)
    return timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min)
    )


class LinkState:
    OPEN = "open"
    EXPIRED = "expired"
    REVOKED = "revoked"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


def link_state(evidence_request: EvidenceRequest, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if evidence_request.status == EvidenceRequest.Status.COMPLETE:
        return LinkState.COMPLETE
    if evidence_request.status == EvidenceRequest.Status.CANCELLED:
        return LinkState.CANCELLED
    if evidence_request.link_revoked_at is not None:
        return LinkState.REVOKED
    if now >= evidence_request.link_expires_at:
        return LinkState.EXPIRED
    return LinkState.OPEN


def is_locked(evidence_request: EvidenceRequest, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return evidence_request.locked_until is not None and evidence_request.locked_until > now


@dataclass(frozen=True)
class DobCheck:
    ok: bool
    locked_until: datetime.datetime | None = None
    tries_left: int = DOB_TRIES


@transaction.atomic
def check_date_of_birth(
    *, evidence_request: EvidenceRequest, date_of_birth: datetime.date, request=None
) -> DobCheck:
    """Compare the date the resident typed with their record; 3 wrong in a row lock the link.

    Counted on the request row under a lock, so tries from several devices at once add up.
    A record with no date of birth never matches (fails closed).
    """
    now = timezone.now()
    locked = EvidenceRequest.objects.select_for_update().get(pk=evidence_request.pk)
    if is_locked(locked, now):
        return DobCheck(ok=False, locked_until=locked.locked_until, tries_left=0)
    if locked.locked_until is not None:
        # The lock has run out: a fresh set of tries.
        locked.failed_checks = 0
        locked.locked_until = None
    expected = Resident.objects.filter(pk=locked.resident_id).values_list(
        "date_of_birth", flat=True
    )[0]
    if expected is not None and expected == date_of_birth:
        locked.failed_checks = 0
        locked.save(update_fields=["failed_checks", "locked_until"])
        audit.record(
            actor=RESIDENT_ACTOR,
            action="open",
            object_type="evidence_request",
            object_id=locked.pk,
            resident_id=locked.resident_id,
            detail="Date of birth confirmed",
            request=request,
        )
        _copy_link_fields(locked, evidence_request)
        return DobCheck(ok=True)
    locked.failed_checks += 1
    detail = f"Wrong date of birth ({locked.failed_checks} of {DOB_TRIES})"
    if locked.failed_checks >= DOB_TRIES:
        locked.locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES)
        detail = f"Locked for {LOCK_MINUTES} minutes after {DOB_TRIES} wrong dates of birth"
        timeline.add_event(
            resident_id=locked.resident_id,
            kind="evidence",
            summary=f"Document link locked for {LOCK_MINUTES} minutes after {DOB_TRIES} "
            "wrong dates of birth",
            source=locked,
            url=reverse("evidence:request", args=[locked.pk]),
        )
    locked.save(update_fields=["failed_checks", "locked_until"])
    audit.record(
        actor=RESIDENT_ACTOR,
        action="check_failed",
        object_type="evidence_request",
        object_id=locked.pk,
        resident_id=locked.resident_id,
        detail=detail,
        request=request,
    )
    _copy_link_fields(locked, evidence_request)
    return DobCheck(
        ok=False,
        locked_until=locked.locked_until,
        tries_left=max(0, DOB_TRIES - locked.failed_checks),
    )


def _copy_link_fields(source: EvidenceRequest, target: EvidenceRequest) -> None:
    target.failed_checks = source.failed_checks
    target.locked_until = source.locked_until


# --- Asking for documents --------------------------------------------------------------------


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


def can_review(staff) -> bool:
    return bool(
        staff is not None
        and getattr(staff, "is_active", False)
        and (
            staff.has_perm("evidence.review_document")
            or staff.has_perm("evidence.review_any_document")
        )
    )


def _is_person(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


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
        if asked.reviewer is not None and not can_review(asked.reviewer):
            errors.setdefault(reviewer_key, []).append(
                f"{asked.reviewer} cannot review documents. Choose another officer or a team"
            )
        if (
            asked.reviewer is None
            and asked.reviewer_team is None
            and asked.document_type.default_team_id is None
            and not _is_person(actor)
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


def request_text(resident: Resident) -> str:
    return (
        "Hello ((first name)), ((council)) needs some documents from you by ((due date)). "
        "Take photos or send files here: ((link))"
    )


def _due_words(due_date: datetime.date) -> str:
    return dateformat.format(due_date, "l j F")


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

    token = make_token()
    team = case.team if case is not None else _default_team(actor)
    evidence_request = EvidenceRequest.objects.create(
        resident=resident,
        case=case,
        created_by=actor if _is_person(actor) else None,
        created_by_label=str(actor)[:200],
        team=team,
        due_date=due_date,
        token_hash=hash_token(token),
        link_expires_at=link_expiry(due_date),
    )
    for item in asked:
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
    names = [item.document_type.name for item in asked]
    audit.record(
        actor=actor,
        action="create",
        object_type="evidence_request",
        object_id=evidence_request.pk,
        resident_id=resident.pk,
        detail=f"Asked for {', '.join(names)}, due {due_date.isoformat()}",
        request=request,
    )
    timeline.add_event(
        resident_id=resident.pk,
        kind="evidence",
        summary=f"Documents asked for: {', '.join(names)} (due {_due_words(due_date)})",
        actor=actor,
        source=evidence_request,
        url=reverse("evidence:request", args=[evidence_request.pk]),
    )
    service_events.record(
        name="evidence.requested",
        team=team,
        channel="digital",
        value=len(asked),
        source=evidence_request,
        attributes={"document_types": names},
    )
    service_events.transaction_started(
        service="evidence_request", source=evidence_request, team=team, channel="digital"
    )
    sent = SentLink(evidence_request=evidence_request, token=token, link=link_url(token))
    _text_link(sent, actor=actor, request=request)
    schedule_reminders(evidence_request=evidence_request, token=token, actor=actor)
    return sent


def _default_team(actor) -> Team | None:
    if _is_person(actor):
        return actor.teams.order_by("name").first()
    return None


def _text_link(sent: SentLink, *, actor, request=None, again: bool = False) -> None:
    from doorstep.messaging import services as messaging

    evidence_request = sent.evidence_request
    body = request_text(evidence_request.resident)
    if again:
        body = (
            "Hello ((first name)), here is a new link to send the documents ((council)) asked "
            "for. Please send them by ((due date)): ((link))"
        )
    try:
        with transaction.atomic():
            sent.message = messaging.send_message(
                resident=evidence_request.resident,
                actor=actor,
                body=body,
                values={"due date": _due_words(evidence_request.due_date), "link": sent.link},
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


@transaction.atomic
def revoke_link(*, evidence_request: EvidenceRequest, actor, request=None) -> None:
    """Stop the link working at once (e.g. sent to the wrong number). Reminders stop too."""
    from doorstep.messaging import services as messaging

    locked = EvidenceRequest.objects.select_for_update().get(pk=evidence_request.pk)
    if locked.link_revoked_at is not None:
        return
    locked.link_revoked_at = timezone.now()
    locked.link_revoked_by = actor if _is_person(actor) else None
    locked.save(update_fields=["link_revoked_at", "link_revoked_by"])
    evidence_request.link_revoked_at = locked.link_revoked_at
    evidence_request.link_revoked_by = locked.link_revoked_by
    messaging.cancel_nudges(condition=nudge_condition(locked.pk))
    audit.record(
        actor=actor,
        action="revoke",
        object_type="evidence_request",
        object_id=locked.pk,
        resident_id=locked.resident_id,
        detail="Document link revoked",
        request=request,
    )
    timeline.add_event(
        resident_id=locked.resident_id,
        kind="evidence",
        summary="Document link stopped: it no longer works",
        actor=actor,
        source=locked,
        url=reverse("evidence:request", args=[locked.pk]),
    )


@transaction.atomic
def new_link(*, evidence_request: EvidenceRequest, actor, request=None) -> str:
    """Replace the link with a new one (the old one stops working) and return its token.

    Used to resend a link and by a rejection that asks for a document again. The new link works
    until the due date plus the grace period, and at least RESENT_LINK_DAYS from now.
    """
    locked = EvidenceRequest.objects.select_for_update().get(pk=evidence_request.pk)
    if locked.status != EvidenceRequest.Status.OPEN:
        raise ValidationError("This request is finished: ask for documents again instead")
    token = make_token()
    locked.token_hash = hash_token(token)
    locked.link_expires_at = max(
        link_expiry(locked.due_date),
        timezone.now() + datetime.timedelta(days=RESENT_LINK_DAYS),
    )
    locked.link_revoked_at = None
    locked.link_revoked_by = None
    locked.failed_checks = 0
    locked.locked_until = None
    locked.save(
        update_fields=[
            "token_hash",
            "link_expires_at",
            "link_revoked_at",
            "link_revoked_by",
            "failed_checks",
            "locked_until",
        ]
    )
    for name in (
        "token_hash",
        "link_expires_at",
        "link_revoked_at",
        "link_revoked_by",
        "failed_checks",
        "locked_until",
    ):
        setattr(evidence_request, name, getattr(locked, name))
    audit.record(
        actor=actor,
        action="new_link",
        object_type="evidence_request",
        object_id=locked.pk,
        resident_id=locked.resident_id,
        detail="New document link made; the old one stopped working",
        request=request,
    )
    return token


@transaction.atomic
def resend_link(*, evidence_request: EvidenceRequest, actor, request=None) -> SentLink:
    """Text the resident a new link (the old one stops working) and restart the reminders."""
    from doorstep.messaging import services as messaging

    token = new_link(evidence_request=evidence_request, actor=actor, request=request)
    sent = SentLink(evidence_request=evidence_request, token=token, link=link_url(token))
    _text_link(sent, actor=actor, request=request, again=True)
    messaging.cancel_nudges(condition=nudge_condition(evidence_request.pk))
    schedule_reminders(evidence_request=evidence_request, token=token, actor=actor)
    timeline.add_event(
        resident_id=evidence_request.resident_id,
        kind="evidence",
        summary="New document link sent"
        if not sent.text_problem
        else "New document link made (not texted)",
        body=sent.text_problem,
        actor=actor,
        source=evidence_request,
        url=reverse("evidence:request", args=[evidence_request.pk]),
    )
    return sent


# --- Reminders -------------------------------------------------------------------------------


def nudge_condition(request_id: int) -> str:
    return f"{NUDGE_CONDITION}:{request_id}"


def uploads_are_in(request_id: str) -> bool:
    """The reminder condition: nothing is left for the resident to send through this link."""
    return not EvidenceRequest.objects.filter(
        pk=int(request_id),
        status=EvidenceRequest.Status.OPEN,
        link_revoked_at=None,
        link_expires_at__gt=timezone.now(),
        items__status=RequestedDocument.Status.AWAITING,
    ).exists()


_SCHEDULE_ITEM = re.compile(r"^(request)\+(\d+)$|^(due)-(\d+)$")


def reminder_times(evidence_request: EvidenceRequest) -> list[datetime.datetime]:
    """When reminders go, from EVIDENCE_REMINDER_SCHEDULE: future times before the link ends."""
    times = []
    for raw in (settings.EVIDENCE_REMINDER_SCHEDULE or "").split(","):
        item = raw.strip().replace(" ", "")
        if not item:
            continue
        match = _SCHEDULE_ITEM.match(item)
        if match is None:
            raise ValueError(
                f"EVIDENCE_REMINDER_SCHEDULE: {raw!r} is not like 'request+3' or 'due-2'"
            )
        if match.group(1):
            at = evidence_request.created_at + datetime.timedelta(days=int(match.group(2)))
        else:
            day = evidence_request.due_date - datetime.timedelta(days=int(match.group(4)))
            # 10am on the day: the time people said they read texts about documents.
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        if timezone.now() < at < evidence_request.link_expires_at:
            times.append(at)
    return sorted(set(times))


def schedule_reminders(*, evidence_request: EvidenceRequest, token: str, actor=None) -> int:
    """Queue the reminder texts; each is dropped at send time if the uploads are in."""
    from doorstep.messaging import services as messaging

    scheduled = 0
    link = link_url(token)
    for number, at in enumerate(reminder_times(evidence_request), start=1):
        message = messaging.schedule_nudge(
            resident=evidence_request.resident,
            send_after=at,
            condition=nudge_condition(evidence_request.pk),
            body=(
                "Reminder: ((council)) still needs some documents from you by ((due date)). "
                "Send them here: ((link))"
            ),
            values={"due date": _due_words(evidence_request.due_date), "link": link},
            team=evidence_request.team,
            key=(
                f"evidence:{evidence_request.pk}:nudge:{number}:{evidence_request.token_hash[:16]}"
            ),
        )
        scheduled += message is not None
    return scheduled


# --- Uploads ---------------------------------------------------------------------------------


def _storage():
    from .storage import evidence_storage

    return evidence_storage()


def _refuse(message: str, reason: str) -> RefusedFile:
    return RefusedFile(message, reason=reason)


def read_upload(*, filename: str, data: bytes | None = None, file: BinaryIO | None = None) -> bytes:
    """Size first (without reading), then the type from the first bytes, then the rest.

    Raises RefusedFile naming the file, so the resident knows at once.
    """
    if data is None and file is None:
        raise ValueError("Give data or file")
    if data is not None:
        check_size(len(data), filename=filename)
        sniff(data, filename=filename)
        return bytes(data)
    size = getattr(file, "size", None)
    if size is not None:
        check_size(size, filename=filename)
    if hasattr(file, "seek"):
        file.seek(0)
    head = file.read(HEAD_BYTES)
    sniff(head, filename=filename)
    rest = file.read()
    content = head + rest
    check_size(len(content), filename=filename)
    return content


def upload_file(
    *,
    document: RequestedDocument,
    filename: str,
    data: bytes | None = None,
    file: BinaryIO | None = None,
    uploaded_by=None,
    request=None,
) -> UploadedFile:
    """Keep one file for a document and queue its processing.

    Raises RefusedFile (with a message naming the file) when the file is not accepted, the
    document takes no more files, or it was already sent.
    """
    content = read_upload(filename=filename, data=data, file=file)
    shown_name = safe_filename(filename)
    storage = _storage()
    stored_name = storage.save(f"originals/{uuid.uuid4().hex}", ContentFile(content))
    try:
        return _record_upload(
            document=document,
            shown_name=shown_name,
            content=content,
            stored_name=stored_name,
            uploaded_by=uploaded_by,
            request=request,
        )
    except BaseException:
        try:
            storage.delete(stored_name)
        except Exception:  # the row failed; a leftover blob is logged, not fatal
            log.exception("Could not remove %s after a failed upload", stored_name)
        raise


@transaction.atomic
def _record_upload(
    *, document, shown_name: str, content: bytes, stored_name: str, uploaded_by, request
) -> UploadedFile:
    from . import tasks

    locked = (
        RequestedDocument.objects.select_for_update()
        .select_related("request", "document_type")
        .get(pk=document.pk)
    )
    if locked.request.status != EvidenceRequest.Status.OPEN:
        raise _refuse(f"‘{shown_name}’ was not sent: this request is finished.", "request_closed")
    if locked.status != RequestedDocument.Status.AWAITING:
        raise _refuse(
            f"‘{shown_name}’ was not sent: {locked.document_type.name} has already been sent.",
            "document_sent",
        )
    live = locked.files.filter(status__in=LIVE_FILE_STATUSES).count()
    limit = locked.document_type.max_files
    if live >= limit:
        raise _refuse(
            f"‘{shown_name}’ was not sent: you can send up to {limit} "
            f"file{'s' if limit != 1 else ''} for {locked.document_type.name}. Remove one "
            "first if you need to replace it.",
            "too_many",
        )
    now = timezone.now()
    uploaded = UploadedFile.objects.create(
        document=locked,
        uploaded_at=now,
        uploaded_by=uploaded_by if _is_person(uploaded_by) else None,
        original_name=shown_name[:200],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_path=stored_name,
    )
    if locked.first_upload_at is None:
        locked.first_upload_at = now
        locked.save(update_fields=["first_upload_at"])
        service_events.record(
            name="evidence.first_upload",
            team=locked.request.team_id,
            channel="assisted_digital" if uploaded.uploaded_by_id else "digital",
            value=int((now - locked.request.created_at).total_seconds()),
            source=locked,
            attributes={"document_type": locked.document_type.name},
        )
    audit.record(
        actor=uploaded_by if _is_person(uploaded_by) else RESIDENT_ACTOR,
        action="upload",
        object_type="uploaded_file",
        object_id=uploaded.pk,
        resident_id=locked.request.resident_id,
        detail=f"{locked.document_type.name}: {uploaded.size} bytes",
        request=request,
    )
    if uploaded.uploaded_by_id:
        timeline.add_event(
            resident_id=locked.request.resident_id,
            kind="evidence",
            summary=f"File uploaded for {locked.document_type.name} on the resident's behalf",
            body=shown_name,
            actor=uploaded_by,
            source=locked.request,
            url=reverse("evidence:request", args=[locked.request_id]),
        )
    transaction.on_commit(lambda: tasks.enqueue_processing(uploaded.pk))
    return uploaded


@dataclass
class UploadOutcome:
    """What happened to each file in one go: kept, or refused with a message naming it."""

    kept: list[UploadedFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def upload_files(
    *, document: RequestedDocument, files, uploaded_by=None, request=None
) -> UploadOutcome:
    """Several files for one document: each is kept or refused on its own, so one bad file
    never loses the others. `files` yields (filename, file object) pairs."""
    outcome = UploadOutcome()
    for filename, handle in files:
        try:
            outcome.kept.append(
                upload_file(
                    document=document,
                    filename=filename,
                    file=handle,
                    uploaded_by=uploaded_by,
                    request=request,
                )
            )
        except RefusedFile as refused:
            outcome.refused.append(refused.message)
    return outcome


def upload_for_resident(
    *,
    actor,
    document: RequestedDocument,
    files,
    submit: bool = False,
    request=None,
) -> UploadOutcome:
    """An officer uploads documents a resident brought in or e-mailed (assisted digital), and
    may mark the document as sent for them."""
    outcome = upload_files(document=document, files=files, uploaded_by=actor, request=request)
    if submit and outcome.kept:
        document.refresh_from_db()
        if document.status == RequestedDocument.Status.AWAITING:
            submit_document(document=document, actor=actor, request=request)
    return outcome


@transaction.atomic
def remove_file(*, uploaded_file: UploadedFile, actor=None, request=None) -> None:
    """Take back a file sent by mistake, before its document is sent. Its stored copies go."""
    locked = (
        UploadedFile.objects.select_for_update()
        .select_related("document__request", "document__document_type")
        .get(pk=uploaded_file.pk)
    )
    if locked.status in (UploadedFile.Status.REMOVED, UploadedFile.Status.DELETED):
        return
    document = RequestedDocument.objects.select_for_update().get(pk=locked.document_id)
    if document.status != RequestedDocument.Status.AWAITING:
        raise ValidationError(
            f"{quoted(locked.original_name)} cannot be removed: the document has been sent"
        )
    paths = [p for p in (locked.original_path, locked.sanitised_path, locked.thumbnail_path) if p]
    locked.status = UploadedFile.Status.REMOVED
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["status", "deleted_at"])
    uploaded_file.status, uploaded_file.deleted_at = locked.status, locked.deleted_at
    audit.record(
        actor=actor if _is_person(actor) else RESIDENT_ACTOR,
        action="remove",
        object_type="uploaded_file",
        object_id=locked.pk,
        resident_id=locked.document.request.resident_id,
        detail=f"{locked.document.document_type.name}: removed before sending",
        request=request,
    )
    transaction.on_commit(lambda: delete_stored(paths))


def read_stored(path: str) -> bytes:
    return _storage().open(path).read()


def delete_stored(paths) -> None:
    storage = _storage()
    for path in paths:
        try:
            storage.delete(path)
        except Exception:
            log.exception("Could not delete stored file %s", path)


def usable_file_count(document: RequestedDocument) -> int:
    return document.files.filter(status__in=LIVE_FILE_STATUSES).count()


@transaction.atomic
def submit_document(*, document: RequestedDocument, actor=None, request=None) -> bool:
    """Send a document to its reviewer. Returns True when nothing is left to send.

    Once every document asked for is sent, the reminders stop and the resident gets one
    confirmation text.
    """
    locked = (
        RequestedDocument.objects.select_for_update()
        .select_related("request__resident", "document_type")
        .get(pk=document.pk)
    )
    if locked.status != RequestedDocument.Status.AWAITING:
        raise ValidationError(f"{locked.document_type.name} has already been sent")
    files = usable_file_count(locked)
    if files == 0:
        raise ValidationError(f"Send a photo or file for {locked.document_type.name} first")
    now = timezone.now()
    locked.status = RequestedDocument.Status.SUBMITTED
    locked.submitted_at = now
    locked.save(update_fields=["status", "submitted_at"])
    document.status, document.submitted_at = locked.status, locked.submitted_at
    evidence_request = locked.request
    by_officer = _is_person(actor)
    audit.record(
        actor=actor if by_officer else RESIDENT_ACTOR,
        action="submit",
        object_type="requested_document",
        object_id=locked.pk,
        resident_id=evidence_request.resident_id,
        detail=f"{locked.document_type.name}: {files} file{'s' if files != 1 else ''}",
        request=request,
    )
    timeline.add_event(
        resident_id=evidence_request.resident_id,
        kind="evidence",
        summary=f"{locked.document_type.name} sent ({files} file{'s' if files != 1 else ''})"
        + (" by an officer for the resident" if by_officer else ""),
        actor=actor if by_officer else None,
        source=evidence_request,
        url=reverse("evidence:request", args=[evidence_request.pk]),
    )
    all_sent = not evidence_request.items.filter(status=RequestedDocument.Status.AWAITING).exists()
    if all_sent:
        _all_sent(evidence_request)
    return all_sent


def _all_sent(evidence_request: EvidenceRequest) -> None:
    from doorstep.messaging import services as messaging

    messaging.cancel_nudges(condition=nudge_condition(evidence_request.pk))
    try:
        number = messaging.check_textable(evidence_request.resident)
    except messaging.NotTextable:
        return
    # Once for each set of documents asked for: a document asked for again gets its own.
    newest = evidence_request.items.order_by("-pk").values_list("pk", flat=True).first()
    messaging.send_system_text(
        number=number,
        resident=evidence_request.resident,
        body=f"Thank you. {settings.COUNCIL_NAME} has the documents you sent. We will check "
        "them and text you if we need anything else.",
        idempotency_key=f"evidence:{evidence_request.pk}:all-sent:{newest}",
        team=evidence_request.team,
    )


@transaction.atomic
def submit_all(*, evidence_request: EvidenceRequest, actor=None, request=None) -> list[str]:
    """Send every document that has files; returns the names of those sent."""
    sent = []
    waiting = evidence_request.items.filter(
        status=RequestedDocument.Status.AWAITING
    ).select_related("document_type")
    for document in waiting:
        if usable_file_count(document):
            submit_document(document=document, actor=actor, request=request)
            sent.append(document.document_type.name)
    return sent


# --- Reads the pages and API share -----------------------------------------------------------


def documents_for_resident(evidence_request: EvidenceRequest) -> list[RequestedDocument]:
    """What the resident's page lists: each document still asked for (a rejected document
    shows as its replacement, with the reason), with its files."""
    items = list(
        evidence_request.items.exclude(status=RequestedDocument.Status.WITHDRAWN)
        .select_related("document_type", "replaces")
        .prefetch_related("files")
        .order_by("pk")
    )
    replaced = {item.replaces_id for item in items if item.replaces_id}
    return [item for item in items if item.pk not in replaced]


def nothing_left_to_send(evidence_request: EvidenceRequest) -> bool:
    return not evidence_request.items.filter(status=RequestedDocument.Status.AWAITING).exists()


def move_requests(from_resident_id: int, to_resident_id: int) -> int:
    """Requests follow a resident record merged into another (called by the merge)."""
    return EvidenceRequest.objects.filter(resident_id=from_resident_id).update(
        resident_id=to_resident_id
    )
