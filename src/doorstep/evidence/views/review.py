"""Reviewers' pages: the queues, a document with its files, claiming, accepting, rejecting,
and overdue requests.

Staff with no part in documents get 403; a document the member of staff may not see is a 404,
so its existence is not given away. Files are streamed through `file_content`, decrypted,
inline, with `nosniff` and a strict Content-Security-Policy; quarantined files are never served.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstep.core.forms import add_service_errors

from .. import access, kinds, queries, services
from ..filetypes import EXTENSIONS, HEAD_BYTES, download_name, sniff
from ..models import RequestedDocument, UploadedFile
from ..review_forms import AcceptForm, QueueFilterForm, RejectForm
from ..storage import evidence_storage

PAGE_SIZE = 50
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
PDF = "application/pdf"


def reviews_allowed(view):
    """Staff with any part in documents (asking for them, reviewing them)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not access.may_use_reviews(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def _document(request, pk: int) -> RequestedDocument:
    return access.get_document_for(request.user, pk)


@reviews_allowed
@require_GET
def queue(request):
    user = request.user
    choices = queries.queue_filter_choices(user)
    form = QueueFilterForm(
        request.GET or None, document_types=choices["document_types"], cases=choices["cases"]
    )
    scope = form.value("show", queries.MINE)
    documents = queries.review_queue(
        user,
        scope=scope,
        document_type_id=form.value("document_type"),
        case_id=form.value("case"),
        order=form.value("order", queries.OLDEST),
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/review/queue.html",
        {
            "form": form,
            "page": page,
            "scope": scope,
            "counts": queries.review_counts(user),
        },
    )


@reviews_allowed
@require_GET
def document(request, pk: int):
    document = _document(request, pk)
    files = queries.files_for(document)
    services.record_view(actor=request.user, document=document, request=request)
    can_decide = access.can_review(request.user, document)
    claimed_by_other = (
        document.claimed_by_id not in (None, request.user.pk)
        and queries.claim_is_fresh(document)
        and not document.is_decided
    )
    return render(
        request,
        "evidence/review/document.html",
        {
            "document": document,
            "evidence_request": document.request,
            "resident": document.request.resident,
            "shown": [f for f in files if f.is_viewable],
            "quarantined": [f for f in files if f.status == UploadedFile.Status.INFECTED],
            "unusable": [f for f in files if f.status == UploadedFile.Status.REFUSED],
            "waiting": [f for f in files if f.status == UploadedFile.Status.RECEIVED],
            "deleted": [f for f in files if f.status == UploadedFile.Status.DELETED],
            "flags": [flag for f in files if f.is_viewable for flag in f.flags],
            "can_decide": can_decide and document.status == RequestedDocument.Status.SUBMITTED,
            "claimed_by_me": document.claimed_by_id == request.user.pk
            and queries.claim_is_fresh(document),
            "claimed_by_other": claimed_by_other,
            "kind_label": kinds.label(document.actual_kind) if document.actual_kind else "",
            "image_types": IMAGE_TYPES,
            "pdf": PDF,
        },
    )


def _service_call(request, pk: int, action):
    document = _document(request, pk)
    try:
        action(document)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evidence:document", pk=document.pk)


@reviews_allowed
@require_POST
def claim(request, pk: int):
    def do(document):
        services.claim(actor=request.user, document=document, request=request)
        messages.success(request, "You are reviewing this document")

    return _service_call(request, pk, do)


@reviews_allowed
@require_POST
def release(request, pk: int):
    def do(document):
        services.release(actor=request.user, document=document, request=request)
        messages.success(request, "The document is back in the queue for someone else")

    return _service_call(request, pk, do)


def _decision_page(request, document: RequestedDocument):
    """Refuse the form when the document can't be decided, with the reason on its page."""
    if not access.can_review(request.user, document):
        raise PermissionDenied
    if document.status != RequestedDocument.Status.SUBMITTED:
        if document.is_decided:
            messages.error(
                request,
                "This document has already been decided. A decision is final: ask the resident "
                "for the document again if you need another copy",
            )
        else:
            messages.error(request, "The resident has not sent this document yet")
        return redirect("evidence:document", pk=document.pk)
    return None


@reviews_allowed
@require_http_methods(["GET", "POST"])
def accept(request, pk: int):
    document = _document(request, pk)
    refused = _decision_page(request, document)
    if refused is not None:
        return refused
    form = AcceptForm(
        request.POST if request.method == "POST" else None,
        document_type_name=document.document_type.name,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.accept(
                actor=request.user,
                document=document,
                checklist=data["checklist"],
                actual_kind=data["actual_kind"],
                expires_on=data["expires_on"],
                expiry_note=data["expiry_note"],
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            text = f"{document.document_type.name} accepted"
            if decision.request_completed:
                text += ". Every document asked for is accepted: the request is complete"
            messages.success(request, text)
            return redirect("evidence:review_queue")
    return render(
        request,
        "evidence/review/accept.html",
        {
            "form": form,
            "document": document,
            "expiring_kinds": kinds.expiring_slugs(),
            "has_expiry": document.document_type.has_expiry,
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
    else:
        for message in error.messages:
            form.add_error(None, message)


@reviews_allowed
@require_http_methods(["GET", "POST"])
def reject(request, pk: int):
    document = _document(request, pk)
    refused = _decision_page(request, document)
    if refused is not None:
        return refused
    form = RejectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.reject(
                actor=request.user,
                document=document,
                reason=form.reason_for_service(),
                request=request,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                error.error_dict["other_reason"] = error.error_dict.pop("reason")
            _add_errors(form, error)
        else:
            name = document.document_type.name
            if decision.message is not None:
                messages.success(
                    request, f"{name} rejected. The resident has been texted the reason and a link"
                )
            else:
                messages.warning(request, f"{name} rejected. {decision.text_problem}")
            return redirect("evidence:review_queue")
    return render(request, "evidence/review/reject.html", {"form": form, "document": document})


# --- Files ----------------------------------------------------------------------------------


def _visible_file(request, pk: int) -> UploadedFile:
    return access.get_file_for(request.user, pk)


def _open_stored(name: str):
    store = evidence_storage()
    if not name or not store.exists(name):
        raise Http404("The file is no longer stored")
    return store.open(name)


def _download_name(upload: UploadedFile, extension: str) -> str:
    """Never the sender's file name: the document type, the day it came, the real type."""
    day = timezone.localdate(upload.uploaded_at)
    return download_name(upload.document.document_type.name, day, extension)


@reviews_allowed
@require_GET
@never_cache
@xframe_options_sameorigin  # PDFs show in a frame on the document page
def file_content(request, pk: int):
    """The sanitised copy, shown inline. Quarantined and unprocessed files are never served."""
    upload = _visible_file(request, pk)
    viewable = access.can_serve_file(upload) and upload.is_viewable
    if not viewable or upload.mime not in (*IMAGE_TYPES, PDF):
        raise Http404("This file cannot be shown")
    content = _open_stored(upload.sanitised_path)
    services.record_file_read(actor=request.user, upload=upload, original=False, request=request)
    response = FileResponse(
        content,
        content_type=upload.mime,
        as_attachment=False,
        filename=_download_name(upload, EXTENSIONS[upload.mime]),
    )
    response["X-Content-Type-Options"] = "nosniff"
    policy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    policy += "frame-ancestors 'self'"
    if upload.mime != PDF:
        # Browsers' PDF viewers refuse to run in a sandbox; images need nothing it blocks.
        policy += "; sandbox"
    response["Content-Security-Policy"] = policy
    response["Cache-Control"] = "private, no-store"
    return response


@reviews_allowed
@require_GET
@never_cache
def file_original(request, pk: int):
    """The file as the resident sent it, as a download (audited). Only once its check ended
    clean: never a quarantined, refused or not yet scanned one."""
    upload = _visible_file(request, pk)
    if not access.can_serve_file(upload):
        raise Http404("This file cannot be downloaded")
    content = _open_stored(upload.original_path)
    # Named by what the bytes are (a HEIC original of a JPEG copy stays .heic).
    extension = sniff(content.read(HEAD_BYTES), filename=upload.original_name).extension
    content.seek(0)
    services.record_file_read(actor=request.user, upload=upload, original=True, request=request)
    response = FileResponse(
        content,
        content_type="application/octet-stream",
        as_attachment=True,
        filename=_download_name(upload, extension),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Overdue requests -----------------------------------------------------------------------


@reviews_allowed
@require_GET
def overdue(request):
    scope = queries.TEAM if request.GET.get("show") == queries.TEAM else queries.MINE
    page = Paginator(queries.overdue_requests(request.user, scope=scope), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "evidence/review/overdue.html", {"page": page, "scope": scope})
