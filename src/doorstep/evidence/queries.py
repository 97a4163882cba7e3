"""Reads for reviewing documents: who may see what, the review queues, counts and lists.

Who may see a requested document (and its files):
- its named reviewer and the members of its reviewer team (with evidence.review_document);
- the officer who asked for it (with evidence.request_evidence or review_document);
- staff with evidence.review_any_document.
Everyone else is told the page does not exist (404), so a document's existence is not given
away; staff with no evidence permission at all (Digital Friends) get 403 from the views.
Deciding is narrower: the requesting officer may watch, but only the reviewers decide.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import DocumentType, EvidenceRequest, RequestedDocument, UploadedFile

# A claim older than this can be taken over by another reviewer.
CLAIM_TIMEOUT = datetime.timedelta(minutes=30)

MINE = "mine"
TEAM = "team"
NEWEST = "newest"
OLDEST = "oldest"


def may_use_reviews(user) -> bool:
    """Whether the member of staff has any part in documents (else the pages answer 403)."""
    return user.is_authenticated and (
        user.has_perm("evidence.review_document")
        or user.has_perm("evidence.request_evidence")
        or user.has_perm("evidence.review_any_document")
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


def can_see(user, document: RequestedDocument) -> bool:
    return visible_documents(user).filter(pk=document.pk).exists()


def can_decide(user, document: RequestedDocument) -> bool:
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


def claim_is_fresh(document: RequestedDocument, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        document.claimed_by_id is not None
        and document.claimed_at is not None
        and document.claimed_at > now - CLAIM_TIMEOUT
    )


def document_for_page(user, pk: int) -> RequestedDocument | None:
    """One visible document with what its page shows, or None."""
    return (
        visible_documents(user)
        .select_related(
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
        .filter(pk=pk)
        .first()
    )


def files_for(document: RequestedDocument) -> list[UploadedFile]:
    return list(document.files.exclude(status=UploadedFile.Status.REMOVED).order_by("id"))


def visible_file(user, pk: int) -> UploadedFile | None:
    return (
        UploadedFile.objects.select_related("document__request", "document__document_type")
        .filter(pk=pk, document__in=visible_documents(user).values("pk"))
        .first()
    )


def _queue_rows(documents: QuerySet[RequestedDocument]) -> QuerySet[RequestedDocument]:
    flagged = UploadedFile.objects.filter(
        document=OuterRef("pk"), status=UploadedFile.Status.FLAGGED
    )
    return documents.select_related(
        "request__resident",
        "request__case",
        "document_type",
        "reviewer",
        "reviewer_team",
        "claimed_by",
    ).annotate(
        file_count=Count(
            "files",
            filter=Q(files__status__in=[UploadedFile.Status.READY, UploadedFile.Status.FLAGGED]),
        ),
        has_flags=Exists(flagged),
    )


def review_queue(
    user,
    *,
    scope: str = MINE,
    document_type_id: int | None = None,
    case_id: int | None = None,
    order: str = OLDEST,
) -> QuerySet[RequestedDocument]:
    """Documents ready to review: the user's own ("mine": named for them or claimed by them)
    or their teams' ("team"), oldest first by default so nobody waits longest."""
    documents = RequestedDocument.objects.filter(status=RequestedDocument.Status.SUBMITTED)
    if scope == TEAM:
        documents = documents.filter(reviewer_team__in=_team_ids(user))
    else:
        documents = documents.filter(Q(reviewer=user) | Q(claimed_by=user))
    if document_type_id:
        documents = documents.filter(document_type_id=document_type_id)
    if case_id:
        documents = documents.filter(request__case_id=case_id)
    ordering = ["-submitted_at", "-id"] if order == NEWEST else ["submitted_at", "id"]
    return _queue_rows(documents).order_by(*ordering)


def review_counts(user) -> dict[str, int]:
    """Documents waiting for the user and for their teams, in one query."""
    if not user.is_authenticated or not user.has_perm("evidence.review_document"):
        return {MINE: 0, TEAM: 0}
    counts = RequestedDocument.objects.filter(status=RequestedDocument.Status.SUBMITTED).aggregate(
        mine=Count("id", filter=Q(reviewer=user) | Q(claimed_by=user)),
        team=Count("id", filter=Q(reviewer_team__in=_team_ids(user))),
    )
    return {MINE: counts["mine"], TEAM: counts["team"]}


def queue_filter_choices(user) -> dict:
    """Document types and cases found in the user's queues, for the filter lists."""
    waiting = RequestedDocument.objects.filter(status=RequestedDocument.Status.SUBMITTED).filter(
        Q(reviewer=user) | Q(claimed_by=user) | Q(reviewer_team__in=_team_ids(user))
    )
    types = DocumentType.objects.filter(pk__in=waiting.values("document_type_id")).order_by("name")
    cases = (
        waiting.exclude(request__case=None)
        .values_list("request__case_id", "request__case__reference")
        .distinct()
        .order_by("request__case__reference")
    )
    return {"document_types": list(types), "cases": list(cases)[:200]}


def visible_requests(user) -> QuerySet[EvidenceRequest]:
    """Requests the user asked for, or with a document they may see."""
    if user.has_perm("evidence.review_any_document"):
        return EvidenceRequest.objects.all()
    return EvidenceRequest.objects.filter(
        Q(created_by=user) | Q(pk__in=visible_documents(user).values("request_id"))
    )


def overdue_requests(user, *, scope: str = MINE) -> QuerySet[EvidenceRequest]:
    """Open requests past their due date: the user's own, or their teams' (asked for by the
    team, or with documents routed to it), with how many documents are still to come."""
    today = timezone.localdate()
    requests = EvidenceRequest.objects.filter(
        status=EvidenceRequest.Status.OPEN, due_date__lt=today
    )
    if scope == TEAM:
        requests = requests.filter(
            Q(team__in=_team_ids(user))
            | Q(items__reviewer_team__in=_team_ids(user))
            | Q(created_by=user)
        ).distinct()
    else:
        requests = requests.filter(created_by=user)
    return (
        requests.select_related("resident", "case", "created_by")
        .annotate(
            waiting=Count(
                "items", filter=Q(items__status=RequestedDocument.Status.AWAITING), distinct=True
            ),
            to_review=Count(
                "items", filter=Q(items__status=RequestedDocument.Status.SUBMITTED), distinct=True
            ),
        )
        .order_by("due_date", "id")
    )


def documents_for_resident(resident_id: int, *, limit: int = 100) -> list[RequestedDocument]:
    """For the Single View: documents in open requests, and accepted documents with an expiry
    date; one query."""
    return list(
        RequestedDocument.objects.filter(request__resident_id=resident_id)
        .filter(
            Q(request__status=EvidenceRequest.Status.OPEN)
            | Q(status=RequestedDocument.Status.ACCEPTED, expires_on__isnull=False)
        )
        .select_related("request", "document_type")
        .order_by("-request__created_at", "request_id", "id")[:limit]
    )


def request_is_complete(evidence_request: EvidenceRequest) -> bool:
    """Every document accepted (or no longer needed, or replaced by a newer one), at least one
    accepted."""
    items = list(evidence_request.items.values_list("status", "replaced_by"))
    statuses = [status for status, _ in items]
    if RequestedDocument.Status.ACCEPTED not in statuses:
        return False
    for status, replaced_by in items:
        if status in (RequestedDocument.Status.AWAITING, RequestedDocument.Status.SUBMITTED):
            return False
        if status == RequestedDocument.Status.REJECTED and replaced_by is None:
            return False
    return True


def documents_past_retention(now: datetime.datetime | None = None) -> QuerySet[RequestedDocument]:
    """Decided documents whose files are due for deletion and not all deleted yet."""
    now = now or timezone.now()
    undeleted = UploadedFile.objects.filter(document=OuterRef("pk"), deleted_at=None)
    return (
        RequestedDocument.objects.filter(delete_files_after__lte=now)
        .filter(Exists(undeleted))
        .select_related("document_type", "request")
        .order_by("delete_files_after", "id")
    )
