"""Who may see and change document requests, documents and their files.

Who may see a requested document (and its files):
- its named reviewer and the members of its reviewer team (with evidence.review_document);
- the officer who asked for it (with evidence.request_evidence or review_document);
- staff with evidence.review_any_document.
Everyone else is told the page does not exist (404), so a document's existence is not given
away; staff with no evidence permission at all (Digital Friends) get 403.
Deciding is narrower: the requesting officer may watch, but only the reviewers decide.

A request is seen by whoever may see one of its documents, and by the officer who asked for
it; its officer pages (follow it, stop or resend its link, upload for the resident) are also
only for staff who may ask for documents and see residents. API tokens and background work act for no one person and
see every request and document, as an Administrator with review_any_document does.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from doorstep.core import actors

from .models import EvidenceRequest, RequestedDocument, UploadedFile

ASK = ("evidence.request_evidence", "residents.view_resident")

_DOCUMENT_PAGE = (
    "request__resident",
    "request__case",
    "request__created_by",
    "document_type",
    "reviewer",
    "reviewer_team",
    "claimed_by",
    "decided_by",
    "replaces",
)


def _is_system(actor) -> bool:
    """An API token or background work: no permissions of its own to check."""
    return actor is None or not hasattr(actor, "has_perm")


def may_use_reviews(user) -> bool:
    """Whether the member of staff has any part in documents (else the pages answer 403)."""
    return user.is_authenticated and (
        user.has_perm("evidence.review_document")
        or user.has_perm("evidence.request_evidence")
        or user.has_perm("evidence.review_any_document")
    )


def can_ask(user) -> bool:
    """Whether the member of staff may ask residents for documents and follow the requests."""
    return actors.is_staff(user) and user.has_perms(ASK)


def can_be_reviewer(staff) -> bool:
    """Whether a member of staff may be named as the reviewer of a document."""
    return bool(
        staff is not None
        and getattr(staff, "is_active", False)
        and (
            staff.has_perm("evidence.review_document")
            or staff.has_perm("evidence.review_any_document")
        )
    )


def _team_ids(user):
    """The user's teams as a subquery, so filters stay one statement."""
    return user.teams.values("id")


def visible_documents(user) -> QuerySet[RequestedDocument]:
    documents = RequestedDocument.objects.all()
    if not user.is_authenticated:
        return documents.none()
    if user.has_perm("evidence.review_any_document"):
        return documents
    allowed = Q(pk__in=[])
    if user.has_perm("evidence.review_document"):
        allowed |= Q(reviewer=user) | Q(reviewer_team__in=_team_ids(user))
    if user.has_perm("evidence.request_evidence") or user.has_perm("evidence.review_document"):
        allowed |= Q(request__created_by=user)
    return documents.filter(allowed)


def visible_requests(user) -> QuerySet[EvidenceRequest]:
    """Requests the user asked for, or with a document they may see."""
    if user.has_perm("evidence.review_any_document"):
        return EvidenceRequest.objects.all()
    return EvidenceRequest.objects.filter(
        Q(created_by=user) | Q(pk__in=visible_documents(user).values("request_id"))
    )


def can_see_document(user, document: RequestedDocument) -> bool:
    return visible_documents(user).filter(pk=document.pk).exists()


def can_review(user, document: RequestedDocument) -> bool:
    """Reviewers decide: the named one, their team, or those who may review any document."""
    if not user.is_authenticated:
        return False
    if user.has_perm("evidence.review_any_document"):
        return True
    if not user.has_perm("evidence.review_document"):
        return False
    if document.reviewer_id == user.pk:
        return True
    return (
        document.reviewer_team_id is not None
        and user.teams.filter(pk=document.reviewer_team_id).exists()
    )


def get_request_for(actor, pk: int) -> EvidenceRequest:
    """A request for its officer page, its link actions and the API: 403 for staff with no part
    in documents, 404 when the actor may see none of it (the rules of `visible_requests`: the
    officer who asked, a reviewer of one of its documents, review_any_document) or it does not
    exist."""
    if _is_system(actor):
        requests = EvidenceRequest.objects.all()
    elif not may_use_reviews(actor):
        raise PermissionDenied
    else:
        requests = visible_requests(actor)
    request = (
        requests.select_related("resident", "case", "created_by", "team").filter(pk=pk).first()
    )
    if request is None:
        raise Http404("No request for documents here")
    return request


def get_document_for(actor, pk: int) -> RequestedDocument:
    """One document with what its page shows: 403 for staff with no part in documents, 404
    when the actor may not see it (or it does not exist)."""
    if _is_system(actor):
        documents = RequestedDocument.objects.all()
    elif not may_use_reviews(actor):
        raise PermissionDenied
    else:
        documents = visible_documents(actor)
    document = documents.select_related(*_DOCUMENT_PAGE).filter(pk=pk).first()
    if document is None:
        raise Http404("No document here")
    return document


def get_document_in_request(evidence_request: EvidenceRequest, pk: int) -> RequestedDocument:
    """A document of a request the caller already opened (its link or its officer page)."""
    document = (
        RequestedDocument.objects.select_related("document_type")
        .filter(pk=pk, request=evidence_request)
        .first()
    )
    if document is None:
        raise Http404("No document here")
    return document


def get_file_for(actor, pk: int) -> UploadedFile:
    """A file of a document the actor may see: 403 and 404 as for the document."""
    if not _is_system(actor) and not may_use_reviews(actor):
        raise PermissionDenied
    files = UploadedFile.objects.select_related("document__request", "document__document_type")
    if not _is_system(actor):
        files = files.filter(document__in=visible_documents(actor).values("pk"))
    upload = files.filter(pk=pk).first()
    if upload is None:
        raise Http404("No file here")
    return upload


def get_file_in_request(evidence_request: EvidenceRequest, pk: int, **filters) -> UploadedFile:
    """A file sent through the resident's link, for that link's pages only."""
    upload = (
        UploadedFile.objects.select_related("document")
        .filter(pk=pk, document__request=evidence_request, **filters)
        .first()
    )
    if upload is None:
        raise Http404("No file here")
    return upload


def can_serve_file(upload: UploadedFile) -> bool:
    """Whether any of a file's bytes (original, safe copy, thumbnail) may be served: only once
    its check ended clean (status ready or flagged), never while it waits for the virus check
    (e.g. the scanner is unreachable), nor when it was refused unscanned or quarantined."""
    return upload.status in (UploadedFile.Status.READY, UploadedFile.Status.FLAGGED)
