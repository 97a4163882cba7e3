"""Document evidence: what can be asked for, requests, the documents in them and their files.

An officer's request asks one resident for several documents (`RequestedDocument`), each routed
to its own reviewer or team. The resident uploads files for each one through a secret link;
a background task sanitises and scans each file; a reviewer accepts or rejects the document.
A decision is final: a rejected document is asked for again as a new `RequestedDocument`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from doorstep.cases.models import Case
from doorstep.core.models import Team
from doorstep.residents.models import Resident

from .filetypes import quoted


class DocumentType(models.Model):
    """One kind of document the service asks for, kept by Administrators."""

    # What Administrators change on the catalogue page (taking a type out of use is separate).
    EDITABLE_FIELDS = (
        "name",
        "guidance",
        "max_files",
        "several_pages",
        "has_expiry",
        "retention_days",
        "default_team",
    )

    name = models.CharField(max_length=120, unique=True)
    # What the resident reads on their phone, e.g. "A photo of every page of your latest bank
    # statement".
    guidance = models.TextField()
    max_files = models.PositiveSmallIntegerField(default=10)
    several_pages = models.BooleanField(
        default=False, help_text="Whether the resident is likely to send several pages."
    )
    retention_days = models.PositiveIntegerField(
        default=365, help_text="Days a decided document is kept before its files are deleted."
    )
    default_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Documents such as passports and award letters run out; reviewers record the date.
    has_expiry = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        permissions = [("manage_document_types", "Can keep the catalogue of document types")]

    def __str__(self) -> str:
        return self.name


class EvidenceRequest(models.Model):
    """An officer's request to one resident, and the secret link that answers it."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for documents"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="evidence_requests"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)

    # The link: only a SHA-256 of the token is stored, so the table cannot be used to open links.
    token_hash = models.CharField(max_length=64, unique=True)
    link_expires_at = models.DateTimeField()
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    link_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Date-of-birth check: wrong answers in a row, and when they locked the link (it stays
    # locked until an officer sends a new link).
    failed_checks = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "-created_at"]),
            models.Index(fields=["status", "due_date"]),
        ]
        permissions = [("request_evidence", "Can ask residents for documents")]

    def __str__(self) -> str:
        return f"Request {self.pk} to {self.resident_id}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()

    def link_is_usable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and self.link_revoked_at is None
            and now < self.link_expires_at
        )


class RequestedDocument(models.Model):
    """One document asked for in a request, with its reviewer and, once made, the decision."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Waiting for the resident"
        SUBMITTED = "submitted", "Ready to review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "No longer needed"

    request = models.ForeignKey(EvidenceRequest, on_delete=models.CASCADE, related_name="items")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    # Who reviews it: a named officer, or anyone in a team (or both: the officer first).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents_to_review",
    )
    reviewer_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AWAITING)
    # Set when this document replaces a rejected one.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    first_upload_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    # Claimed by a reviewer so two people don't review the same document.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    # The decision, final once made.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # What the document actually is, from the reviewers' finer list (e.g. "P60", "GP letter").
    actual_kind = models.CharField(max_length=80, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    # When its files are to be deleted (decision date + the type's retention period).
    delete_files_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "reviewer"]),
            models.Index(fields=["status", "reviewer_team"]),
            models.Index(fields=["delete_files_after"]),
        ]
        permissions = [
            ("review_document", "Can review documents routed to them or their team"),
            ("review_any_document", "Can see and review any document"),
        ]

    def __str__(self) -> str:
        return f"{self.document_type} for request {self.request_id}"

    @property
    def is_decided(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.REJECTED)


class UploadedFile(models.Model):
    """One file sent for a requested document: the original and, once processed, a safe copy."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"  # stored, waiting for the background task
        READY = "ready", "Ready"  # sanitised and scanned
        FLAGGED = "flagged", "Needs a closer look"  # kept, but the reviewer is warned (PDF issues)
        REFUSED = "refused", "Could not be used"  # not a usable photo or PDF
        INFECTED = "infected", "Quarantined"  # the virus scan found something: never shown
        REMOVED = "removed", "Removed by the sender"
        DELETED = "deleted", "Deleted after the retention period"

    # Files that count towards a document: kept, or still being checked. Only these may be
    # taken back by the sender; refused and quarantined ones stay as the record of what came.
    LIVE_STATUSES = (Status.RECEIVED, Status.READY, Status.FLAGGED)

    document = models.ForeignKey(RequestedDocument, on_delete=models.CASCADE, related_name="files")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Set when an officer uploaded it for the resident (documents brought in or e-mailed).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Names in the evidence storage (random, never the resident's file name).
    original_path = models.CharField(max_length=200)
    sanitised_path = models.CharField(max_length=200, blank=True)
    thumbnail_path = models.CharField(max_length=200, blank=True)
    mime = models.CharField(max_length=60, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # Plain-English warnings for the reviewer (e.g. "This PDF contains JavaScript").
    flags = models.JSONField(default=list, blank=True)
    # Why it could not be used, in words for the resident and officer.
    problem = models.CharField(max_length=300, blank=True)
    scan_signature = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["status", "uploaded_at"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_viewable(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FLAGGED) and bool(self.sanitised_path)

    def removal_problem(self, document: RequestedDocument | None = None) -> str:
        """Why the sender may not take this file back, or "" when they may: only a file that
        counts towards a document not sent yet. The resident's page offers "Remove" exactly when
        this is empty, and `remove_file` refuses with this message otherwise."""
        document = document or self.document
        if document.status != RequestedDocument.Status.AWAITING:
            return f"{quoted(self.original_name)} cannot be removed: the document has been sent"
        if self.status not in self.LIVE_STATUSES:
            return (
                f"{quoted(self.original_name)} cannot be removed: it could not be used, so it "
                "is kept as a record and does not count towards your files"
            )
        return ""

    @property
    def is_removable(self) -> bool:
        return not self.removal_problem()
