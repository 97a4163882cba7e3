"""The documents panel on the Single View, and the documents line on an officer's My work."""

from django.http import HttpRequest
from django.utils import timezone

from . import access, kinds, queries
from .models import EvidenceRequest, RequestedDocument


def panel_context(request: HttpRequest, resident) -> dict | None:
    """Open requests with each document's state, and accepted documents' expiry dates; one
    query (two when some are ready to review). Shown to staff who ask for or review documents."""
    if not access.may_use_reviews(request.user):
        return None
    rows = queries.documents_for_resident(resident.pk)
    open_requests: dict[int, dict] = {}
    expiring = []
    for document in rows:
        evidence_request = document.request
        if evidence_request.status == EvidenceRequest.Status.OPEN:
            entry = open_requests.setdefault(
                evidence_request.pk, {"request": evidence_request, "documents": []}
            )
            # A rejected document asked for again is shown by its replacement.
            if document.status != RequestedDocument.Status.REJECTED:
                entry["documents"].append(document)
        if document.status == RequestedDocument.Status.ACCEPTED and document.expires_on:
            expiring.append({"document": document, "kind": kinds.label(document.actual_kind)})
    expiring.sort(key=lambda row: row["document"].expires_on)
    # Link only the documents this member of staff may open (a second query, only if needed).
    ready = [d.pk for d in rows if d.status == RequestedDocument.Status.SUBMITTED]
    openable = (
        set(
            access.visible_documents(request.user).filter(pk__in=ready).values_list("pk", flat=True)
        )
        if ready
        else set()
    )
    return {
        "openable": openable,
        "today": timezone.localdate(),
        "resident": resident,
        "open_requests": list(open_requests.values()),
        "expiring": expiring,
        "can_request": request.user.has_perm("evidence.request_evidence"),
    }


def my_work_context(request: HttpRequest) -> dict | None:
    """ "Documents to review: N (mine) / N (team)" on My work, for reviewers."""
    if not request.user.has_perm("evidence.review_document"):
        return None
    return {"counts": queries.review_counts(request.user)}
