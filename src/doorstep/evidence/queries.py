"""Reads for the evidence pages, the API and the background work: the review queues, counts
and lists, the documents a link shows and a request's texts. Who may see what is in access.py.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from doorstep.messaging import queries as messaging_queries

from .models import DocumentType, EvidenceRequest, RequestedDocument, UploadedFile

# A claim older than this can be taken over by another reviewer.
CLAIM_TIMEOUT = datetime.timedelta(minutes=30)

MINE = "mine"
TEAM = "team"
NEWEST = "newest"
OLDEST = "oldest"


def _team_ids(user):
    """The user's teams as a subquery, so filters stay one statement."""
    return user.teams.values("id")


def claim_is_fresh(document: RequestedDocument, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        document.claimed_by_id is not None
        and document.claimed_at is not None
        and document.claimed_at > now - CLAIM_TIMEOUT
    )


def files_for(document: RequestedDocument) -> list[UploadedFile]:
    return list(document.files.exclude(status=UploadedFile.Status.REMOVED).order_by("id"))


def catalogue() -> QuerySet[DocumentType]:
    """Every document type, those in use first, for Administrators."""
    return DocumentType.objects.select_related("default_team").order_by("-active", "name")


def document_type(pk: int) -> DocumentType | None:
    return DocumentType.objects.filter(pk=pk).first()


def active_document_types() -> QuerySet[DocumentType]:
    """What an officer may ask for."""
    return DocumentType.objects.filter(active=True).select_related("default_team")


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


def residents_with_open_request(queryset, value):
    """The cohort filter: residents with an open request ("open"), or an overdue one."""
    requests = EvidenceRequest.objects.filter(status=EvidenceRequest.Status.OPEN)
    if value == "overdue":
        requests = requests.filter(due_date__lt=timezone.localdate())
    return queryset.filter(pk__in=requests.values("resident_id"))


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


# --- A request's documents and files ---------------------------------------------------------


def shown_files(document: RequestedDocument) -> list[UploadedFile]:
    """The files listed with a document (from its prefetched files): all but those taken back
    or deleted after the retention period."""
    return [
        f
        for f in document.files.all()
        if f.status not in (UploadedFile.Status.REMOVED, UploadedFile.Status.DELETED)
    ]


def usable_file_count(document: RequestedDocument) -> int:
    return document.files.filter(status__in=UploadedFile.LIVE_STATUSES).count()


def documents_for_link(evidence_request: EvidenceRequest) -> list[RequestedDocument]:
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


def documents_for_link_page(evidence_request: EvidenceRequest) -> list[RequestedDocument]:
    """`documents_for_link`, each with its listed files (`shown_files`), how many count
    (`live_count`) and how many more it takes (`room`)."""
    documents = documents_for_link(evidence_request)
    for document in documents:
        document.shown_files = shown_files(document)
        document.live_count = sum(
            f.status in UploadedFile.LIVE_STATUSES for f in document.shown_files
        )
        document.room = max(0, document.document_type.max_files - document.live_count)
    return documents


def nothing_left_to_send(evidence_request: EvidenceRequest) -> bool:
    return not evidence_request.items.filter(status=RequestedDocument.Status.AWAITING).exists()


def uploads_are_in(request_id: str) -> bool:
    """The reminder condition: nothing is left for the resident to send through this link."""
    return not EvidenceRequest.objects.filter(
        pk=int(request_id),
        status=EvidenceRequest.Status.OPEN,
        link_revoked_at=None,
        link_expires_at__gt=timezone.now(),
        items__status=RequestedDocument.Status.AWAITING,
    ).exists()


def documents_for_officer(evidence_request: EvidenceRequest) -> list[RequestedDocument]:
    """Every document of a request, with who reviews it and its listed files (`shown_files`)."""
    documents = list(
        evidence_request.items.select_related(
            "document_type", "reviewer", "reviewer_team", "decided_by"
        )
        .prefetch_related("files")
        .order_by("pk")
    )
    for document in documents:
        document.shown_files = shown_files(document)
    return documents


def documents_for_api(evidence_request: EvidenceRequest) -> QuerySet[RequestedDocument]:
    return (
        evidence_request.items.select_related("document_type", "request")
        .prefetch_related("files")
        .order_by("pk")
    )


def texts_for_request(evidence_request: EvidenceRequest):
    """The texts sent about one request (its links, reminders, rejections), oldest first."""
    return messaging_queries.texts_with_key_prefix(
        resident_id=evidence_request.resident_id, prefix=f"evidence:{evidence_request.pk}:"
    )


def stuck_upload_ids(now: datetime.datetime, *, older_than: datetime.timedelta, limit: int):
    """Files still "received" long after they arrived (their processing task was lost)."""
    return list(
        UploadedFile.objects.filter(
            status=UploadedFile.Status.RECEIVED, uploaded_at__lt=now - older_than
        )
        .order_by("uploaded_at")
        .values_list("pk", flat=True)[:limit]
    )
