"""Document evidence through the API: ask a resident for documents, follow the request, read a
document's details and its checked (sanitised) file.

API tokens belong to systems, not people, so a token sees every request and document, as an
Administrator with evidence.review_any_document does. Every read is audited with the resident.
"""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from doorstep.cases.models import Case
from doorstep.core.models import Staff, Team
from doorstep.evidence import access, links, queries, services
from doorstep.evidence.filetypes import EXTENSIONS, download_name
from doorstep.evidence.models import EvidenceRequest, RequestedDocument, UploadedFile

from ..errors import NotFoundError
from ..schemas import Input, IsoDate, NotFound, ValidationErrors
from ..schemas import Message as Detail
from .residents import _live_resident

router = Router(tags=["Document evidence"])


class DocumentAsked(Input):
    document_type_id: int = Field(..., description="A document type from the catalogue")
    note: str = Field("", max_length=300, description="Shown to the resident with the guidance")
    reviewer_id: int | None = Field(
        None, description="The member of staff who reviews it (they must be allowed to)"
    )
    reviewer_team_id: int | None = Field(None, description="Or the team that reviews it")


class EvidenceRequestCreate(Input):
    documents: list[DocumentAsked] = Field(..., min_length=1, max_length=20)
    due_date: IsoDate = Field(..., description="When the documents are due, like 2026-05-01")
    case_id: int | None = Field(None, description="One of the resident's cases (optional)")


class FileOut(Schema):
    id: int
    name: str = Field(..., description="The file name the resident's device sent, made safe")
    status: str
    status_label: str
    mime: str
    size: int = Field(..., description="Bytes of the original")
    sha256: str = Field(..., description="SHA-256 of the original")
    width: int | None
    height: int | None
    pages: int | None
    flags: list[str] = Field(..., description="Warnings for the reviewer, in plain English")
    problem: str = Field(..., description="Why the file could not be used, if it could not")
    uploaded_at: datetime.datetime
    uploaded_by_staff: bool = Field(..., description="An officer uploaded it for the resident")
    viewable: bool = Field(..., description="Whether /content can return its checked copy")


class DocumentOut(Schema):
    id: int
    request_id: int
    resident_id: int
    document_type_id: int
    document_type: str
    note: str
    status: str
    status_label: str
    reviewer_id: int | None
    reviewer_team_id: int | None
    replaces_id: int | None
    first_upload_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    rejection_reason: str
    actual_kind: str
    expires_on: datetime.date | None
    files: list[FileOut]


class EvidenceRequestOut(Schema):
    id: int
    resident_id: int
    case_id: int | None
    status: str
    due_date: datetime.date
    created_at: datetime.datetime
    link_state: str = Field(
        ..., description="open, expired, revoked (stopped by an officer), complete or cancelled"
    )
    link_expires_at: datetime.datetime
    link_locked_at: datetime.datetime | None = Field(
        ...,
        description="When the link locked after 3 wrong dates of birth; it stays locked until "
        "a new link is sent",
    )
    documents: list[DocumentOut]


class EvidenceRequestCreated(EvidenceRequestOut):
    link: str = Field(
        ...,
        description="The resident's link. Returned only here, once: Doorstep keeps only its "
        "hash. Pass it on only to the resident (e.g. a printed letter when they cannot get "
        "texts); it opens after they confirm their date of birth.",
    )
    text_sent: bool = Field(..., description="Whether the link was texted to the resident")
    text_problem: str = Field(..., description="Why the link could not be texted, if it was not")


def _file_out(uploaded: UploadedFile) -> dict:
    return {
        "id": uploaded.pk,
        "name": uploaded.original_name,
        "status": uploaded.status,
        "status_label": uploaded.get_status_display(),
        "mime": uploaded.mime,
        "size": uploaded.size,
        "sha256": uploaded.sha256,
        "width": uploaded.width,
        "height": uploaded.height,
        "pages": uploaded.pages,
        "flags": list(uploaded.flags or []),
        "problem": uploaded.problem,
        "uploaded_at": uploaded.uploaded_at,
        "uploaded_by_staff": uploaded.uploaded_by_id is not None,
        "viewable": access.can_serve_file(uploaded) and uploaded.is_viewable,
    }


def _document_out(document: RequestedDocument) -> dict:
    files = queries.shown_files(document)
    return {
        "id": document.pk,
        "request_id": document.request_id,
        "resident_id": document.request.resident_id,
        "document_type_id": document.document_type_id,
        "document_type": document.document_type.name,
        "note": document.note,
        "status": document.status,
        "status_label": document.get_status_display(),
        "reviewer_id": document.reviewer_id,
        "reviewer_team_id": document.reviewer_team_id,
        "replaces_id": document.replaces_id,
        "first_upload_at": document.first_upload_at,
        "submitted_at": document.submitted_at,
        "decided_at": document.decided_at,
        "rejection_reason": document.rejection_reason,
        "actual_kind": document.actual_kind,
        "expires_on": document.expires_on,
        "files": [_file_out(f) for f in files],
    }


def _request_out(evidence_request: EvidenceRequest) -> dict:
    documents = queries.documents_for_api(evidence_request)
    return {
        "id": evidence_request.pk,
        "resident_id": evidence_request.resident_id,
        "case_id": evidence_request.case_id,
        "status": evidence_request.status,
        "due_date": evidence_request.due_date,
        "created_at": evidence_request.created_at,
        "link_state": links.link_state(evidence_request),
        "link_expires_at": evidence_request.link_expires_at,
        "link_locked_at": evidence_request.locked_at,
        "documents": [_document_out(d) for d in documents],
    }


def _problem_entry(loc: list, message: str) -> dict:
    """One problem with the request, in the shape of every 422's `detail` items."""
    return {"loc": loc, "msg": message, "type": "value_error"}


def _problem(loc: list, message: str) -> NinjaValidationError:
    return NinjaValidationError([_problem_entry(loc, message)])


def _documents_asked(payload: EvidenceRequestCreate) -> list[dict]:
    asked = []
    problems = []
    for position, item in enumerate(payload.documents):
        loc = ["body", "documents", position]
        document_type = queries.document_type(item.document_type_id)
        if document_type is None:
            problems.append(
                _problem_entry(
                    [*loc, "document_type_id"],
                    f"There is no document type with id {item.document_type_id}",
                )
            )
            continue
        reviewer = team = None
        if item.reviewer_id is not None:
            reviewer = Staff.objects.filter(pk=item.reviewer_id).first()
            if reviewer is None:
                problems.append(
                    _problem_entry(
                        [*loc, "reviewer_id"],
                        f"There is no member of staff with id {item.reviewer_id}",
                    )
                )
        if item.reviewer_team_id is not None:
            team = Team.objects.filter(pk=item.reviewer_team_id).first()
            if team is None:
                problems.append(
                    _problem_entry(
                        [*loc, "reviewer_team_id"],
                        f"There is no team with id {item.reviewer_team_id}",
                    )
                )
        asked.append(
            {
                "document_type": document_type,
                "note": item.note,
                "reviewer": reviewer,
                "reviewer_team": team,
            }
        )
    if problems:
        raise NinjaValidationError(problems)
    return asked


def _service_errors(error: DjangoValidationError, payload: EvidenceRequestCreate):
    """The service's field names, as locations in the request body."""
    positions = {item.document_type_id: n for n, item in enumerate(payload.documents)}
    detail = []
    for key, messages in error.message_dict.items():
        if key.startswith(("reviewer_", "note_")):
            field, _, type_id = key.partition("_")
            loc = ["body", "documents", positions.get(int(type_id), 0), f"{field}_id"]
            if field == "note":
                loc[-1] = "note"
        elif key == "document_types":
            loc = ["body", "documents"]
        elif key == "case":
            loc = ["body", "case_id"]
        elif key == "__all__":
            loc = ["body"]
        else:
            loc = ["body", key]
        detail.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    return NinjaValidationError(detail)


@router.post(
    "/residents/{resident_id}/evidence-requests",
    response={201: EvidenceRequestCreated, 401: Detail, 404: NotFound, 422: ValidationErrors},
    summary="Ask a resident for documents",
    description=(
        "Makes the request and texts the resident their link (when they can be texted: "
        "`text_problem` says why not otherwise). Each document goes to its reviewer, else its "
        "type's usual team; a document type with no usual team needs `reviewer_id` or "
        "`reviewer_team_id`. The response holds the link once; later reads never do."
    ),
)
def create(
    request: HttpRequest,
    resident_id: int,
    payload: EvidenceRequestCreate,
    response: HttpResponse,
):
    resident = _live_resident(resident_id)
    case = None
    if payload.case_id is not None:
        case = Case.objects.filter(pk=payload.case_id).first()
        if case is None:
            raise _problem(["body", "case_id"], f"There is no case with id {payload.case_id}")
    documents = _documents_asked(payload)
    try:
        sent = services.create_request(
            actor=request.auth,
            resident=resident,
            documents=documents,
            due_date=payload.due_date,
            case=case,
            request=request,
        )
    except DjangoValidationError as error:
        raise _service_errors(error, payload) from error
    response["Location"] = reverse("api:evidence_request", args=[sent.evidence_request.pk])
    body = _request_out(sent.evidence_request)
    body.update(link=sent.link, text_sent=not sent.text_problem, text_problem=sent.text_problem)
    return Status(201, body)


@router.get(
    "/evidence-requests/{request_id}",
    response={200: EvidenceRequestOut, 401: Detail, 404: NotFound},
    summary="Get a request for documents",
    description="The request, the state of its link (never the link itself) and its documents.",
    url_name="evidence_request",
)
def request_detail(request: HttpRequest, request_id: int):
    try:
        evidence_request = access.get_request_for(request.auth, request_id)
    except Http404 as missing:
        raise NotFoundError(f"There is no request for documents with id {request_id}") from missing
    services.record_request_view(
        actor=request.auth, evidence_request=evidence_request, request=request
    )
    return _request_out(evidence_request)


def _document(request: HttpRequest, document_id: int) -> RequestedDocument:
    try:
        return access.get_document_for(request.auth, document_id)
    except Http404 as missing:
        raise NotFoundError(f"There is no document with id {document_id}") from missing


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, 401: Detail, 404: NotFound},
    summary="Get a document's details",
    description="What was asked for, its status and decision, and each file's details.",
    url_name="document",
)
def document_detail(request: HttpRequest, document_id: int):
    document = _document(request, document_id)
    services.record_view(actor=request.auth, document=document, detail="", request=request)
    return _document_out(document)


@router.get(
    "/documents/{document_id}/content",
    response={200: None, 401: Detail, 404: NotFound, 422: ValidationErrors},
    summary="Download a document's checked file",
    description=(
        "The sanitised copy (images re-encoded without their metadata; PDFs as sent, checked), "
        "never the original. A document with several files needs `file_id`. Quarantined, "
        "refused and not-yet-checked files give 404. Every download is audited."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "image/jpeg": {},
                    "image/png": {},
                    "image/webp": {},
                    "application/pdf": {},
                },
            }
        }
    },
)
def document_content(
    request: HttpRequest,
    document_id: int,
    file_id: Query[int | None] = None,
):
    document = _document(request, document_id)
    files = queries.shown_files(document)
    if file_id is None:
        if len(files) != 1:
            raise _problem(
                ["query", "file_id"],
                f"This document has {len(files)} files: give file_id, one of "
                f"{', '.join(str(f.pk) for f in files) or 'none'}",
            )
        chosen = files[0]
    else:
        chosen = next((f for f in files if f.pk == file_id), None)
        if chosen is None:
            raise NotFoundError(f"Document {document_id} has no file with id {file_id}")
    if not (access.can_serve_file(chosen) and chosen.is_viewable):
        state = (
            "waiting for a virus check"
            if chosen.status == UploadedFile.Status.RECEIVED
            else chosen.get_status_display().lower()
        )
        raise NotFoundError(f"File {chosen.pk} has no checked copy ({state})")
    services.record_file_read(
        actor=request.auth,
        upload=chosen,
        original=False,
        detail="Downloaded the checked copy",
        request=request,
    )
    content = services.read_stored(chosen.sanitised_path)
    response = HttpResponse(content, content_type=chosen.mime or "application/octet-stream")
    name = download_name(
        document.document_type.name,
        timezone.localdate(chosen.uploaded_at),
        EXTENSIONS.get(chosen.mime, "bin"),
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
