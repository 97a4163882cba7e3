"""A resident's record: identity, contact details, household, identifiers in other systems, flags."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from doorstep.core.validators import format_ni_number, format_phone_for_display


class Resident(models.Model):
    class ContactMethod(models.TextChoices):
        TEXT = "text", "Text message"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "E-mail"
        LETTER = "letter", "Letter"
        FACE_TO_FACE = "face_to_face", "Face to face"

    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # Stored without spaces, upper case: "AB123456C".
    national_insurance_number = models.CharField(max_length=9, blank=True, db_index=True)
    email = models.EmailField(blank=True)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    # Normalised with a single space: "E8 1DY".
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    language = models.CharField(max_length=60, blank=True, default="English")
    needs_interpreter = models.BooleanField(default=False)
    preferred_contact = models.CharField(
        max_length=20, choices=ContactMethod.choices, default=ContactMethod.TEXT
    )
    consents_to_text = models.BooleanField(default=False)
    text_consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # Set when this record was merged into another; merged records are hidden from lists.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["national_insurance_number"],
                condition=~models.Q(national_insurance_number="") & models.Q(merged_into=None),
                name="unique_live_ni_number",
            )
        ]
        permissions = [
            ("import_residents", "Can import residents from legacy systems"),
            ("merge_resident", "Can merge duplicate resident records"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("residents:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name

    @property
    def reference(self) -> str:
        return f"R{self.pk:07d}" if self.pk else ""

    @property
    def ni_number_display(self) -> str:
        return format_ni_number(self.national_insurance_number)


class Phone(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20, db_index=True, help_text="E.164, like +447700900982")
    is_mobile = models.BooleanField(default=False)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "number"], name="unique_resident_phone")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def display(self) -> str:
        return format_phone_for_display(self.number)


class ExternalIdentifier(models.Model):
    """The resident's id in another system, e.g. ("Academy", "100234")."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="identifiers")
    source = models.CharField(max_length=60)
    value = models.CharField(max_length=100)

    class Meta:
        ordering = ["source", "value"]
        constraints = [
            models.UniqueConstraint(fields=["source", "value"], name="unique_external_identifier")
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.value}"


class Flag(models.Model):
    class Kind(models.TextChoices):
        VULNERABILITY = "vulnerability", "Vulnerability"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        RISK_TO_STAFF = "risk_to_staff", "Risk to staff"
        ACCESSIBILITY = "accessibility", "Accessibility need"
        OTHER = "other", "Other"

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class Household(models.Model):
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name or f"Household {self.pk}"


class HouseholdMember(models.Model):
    class Relationship(models.TextChoices):
        LEAD = "lead", "Lead member"
        PARTNER = "partner", "Partner"
        CHILD = "child", "Child"
        PARENT = "parent", "Parent"
        SIBLING = "sibling", "Brother or sister"
        OTHER_RELATIVE = "relative", "Other relative"
        OTHER = "other", "Other"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    # A resident lives in one household at a time.
    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, related_name="membership")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)

    def __str__(self) -> str:
        return f"{self.resident} ({self.get_relationship_display()})"


class Note(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class ImportJob(models.Model):
    """One CSV file of residents from a legacy system, imported by a background task."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=60, help_text="The system the file came from")
    file = models.FileField(upload_to="imports/")
    original_filename = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    # [{"row": 12, "field": "postcode", "reason": "Enter a real postcode, like E8 1DY"}, ...]
    errors = models.JSONField(default=list, blank=True)
    failure_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Running: the worker renews this while it imports; once it has passed, the worker is gone
    # and the check-up queues the job again. Waiting: when the check-up may queue it again.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} import {self.pk}"

    @property
    def percent_done(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class DuplicateCandidate(models.Model):
    """Two records that may be the same person, waiting for a person to decide."""

    class Reason(models.TextChoices):
        NAME_AND_BIRTH_DATE = "name_dob", "Same name and date of birth"
        MOBILE = "mobile", "Same mobile number"

    class Status(models.TextChoices):
        OPEN = "open", "To review"
        MERGED = "merged", "Merged"
        NOT_DUPLICATE = "different", "Not the same person"

    # Stored with resident_a.id < resident_b.id so a pair is recorded once.
    resident_a = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    resident_b = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident_a", "resident_b"], name="unique_duplicate_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(resident_a__lt=models.F("resident_b")),
                name="duplicate_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_a_id} / {self.resident_b_id}: {self.get_reason_display()}"
