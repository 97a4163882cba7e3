"""Shared plans: goals and actions agreed by a resident and an officer, with their history,
and the links and one-time codes through which the resident opens their plan."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from doorstep.core.models import Team
from doorstep.residents.models import Resident


class OwnerKind(models.TextChoices):
    RESIDENT = "resident", "The resident"
    OFFICER = "officer", "An officer"
    PARTNER = "partner", "A partner organisation"


class PlanTemplate(models.Model):
    """A starting point for a common plan, kept by Administrators.

    `goals` is a list of {"title": str, "actions": [{"description": str, "owner_kind": str,
    "partner_name": str, "due_in_days": int | None}]}; see templates.py for its text form.
    """

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    plan_title = models.CharField(max_length=200)
    goals = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [("manage_templates", "Can create and change plan templates")]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared with the resident"
        AGREED = "agreed", "Agreed"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="plans")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Goes up by one with every change; each value has a PlanRevision snapshot.
    version = models.PositiveIntegerField(default=1)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    shared_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_version = models.PositiveIntegerField(null=True, blank=True)
    # How it was agreed: "digital" by the resident online, "face_to_face" or "phone" recorded
    # by an officer (the service_events channels).
    agreed_channel = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resident", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    # For optimistic concurrency: an edit names the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    class Status(models.TextChoices):
        TO_DO = "to_do", "To do"
        DONE = "done", "Done"
        NOT_NEEDED = "not_needed", "No longer needed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner_kind = models.CharField(max_length=10, choices=OwnerKind.choices)
    owner_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_actions",
    )
    partner_name = models.CharField(max_length=120, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TO_DO)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "the resident", a member of staff's name, or an API integration.
    status_changed_by_label = models.CharField(max_length=200, blank=True)
    added_by_resident = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["owner_staff", "status", "due_date"])]

    def __str__(self) -> str:
        return self.description

    @property
    def owner_label(self) -> str:
        if self.owner_kind == OwnerKind.RESIDENT:
            return "The resident"
        if self.owner_kind == OwnerKind.PARTNER:
            return self.partner_name or "A partner organisation"
        return str(self.owner_staff) if self.owner_staff_id else "The council"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.TO_DO and self.due_date is not None and self.due_date < today
        )


class Comment(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    by_resident = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class PlanChange(models.Model):
    """One thing changed in a plan: who, when, what, from what to what. Never edited."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    # The plan version this change produced.
    version = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    by_resident = models.BooleanField(default=False)
    # What was changed: ("action", "12"), ("goal", "3"), ("plan", "7").
    object_type = models.CharField(max_length=20)
    object_id = models.CharField(max_length=20)
    what = models.CharField(max_length=400)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    # Changes made by the resident stay unread for officers until one opens the plan.
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["plan", "by_resident", "seen_at"]),
            models.Index(fields=["plan", "object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label}: {self.what}"

    @property
    def is_unread(self) -> bool:
        return self.by_resident and self.seen_at is None


class PlanRevision(models.Model):
    """The whole plan as it was at one version, so any earlier version can be shown."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    actor_label = models.CharField(max_length=200)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="unique_plan_revision")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version}"


class ResidentLink(models.Model):
    """A texted link to one plan. Only the token's SHA-256 is kept; opening the plan also
    needs a one-time code sent to the resident's mobile."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Link to plan {self.plan_id}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class OneTimeCode(models.Model):
    """A 6-digit code texted for one link; tries are counted here so a cache clear resets
    nothing."""

    link = models.ForeignKey(ResidentLink, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["link", "created_at"])]

    def __str__(self) -> str:
        return f"Code for link {self.link_id}"
