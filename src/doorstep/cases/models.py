"""Cases (a piece of work with a resident), their tasks and notes, and the work queues."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from doorstep.core.models import Team
from doorstep.residents.models import Resident


class CaseType(models.Model):
    """Configurable by Administrators: housing register, homelessness, benefits, ..."""

    name = models.CharField(max_length=100, unique=True)
    reference_prefix = models.CharField(
        max_length=4, unique=True, help_text="Letters that start each case reference, like HR"
    )
    default_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting for resident"
        ON_HOLD = "on_hold", "On hold"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = [Status.OPEN, Status.WAITING, Status.ON_HOLD]

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="cases")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    # e.g. "HR-000123", unique across all case types.
    reference = models.CharField(max_length=20, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_cases",
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    due_date = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"]),
            models.Index(fields=["team", "status", "due_date"]),
        ]
        permissions = [
            ("reassign_work", "Can reassign cases and tasks to other staff"),
            ("view_team_work", "Can see a team's work queue"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.case_type}"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    is_done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["is_done", "due_date", "id"]
        indexes = [models.Index(fields=["assignee", "is_done", "due_date"])]

    def __str__(self) -> str:
        return self.title


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.body[:60]
