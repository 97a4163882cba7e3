"""Texts to and from residents: templates, messages with their status, opt-outs, cohorts, pacing."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from doorstep.core.models import Team
from doorstep.residents.models import Resident

from . import sms


class Template(models.Model):
    """A text officers can send, with ((placeholders)) filled in for each resident."""

    name = models.CharField(max_length=100, unique=True)
    body = models.TextField()
    description = models.CharField(
        max_length=200, blank=True, help_text="When to use it, shown to officers"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [("manage_templates", "Can create and change text templates")]

    def __str__(self) -> str:
        return self.name

    @property
    def placeholders(self) -> list[str]:
        return sms.placeholders(self.body)


class Cohort(models.Model):
    """A text sent to many residents chosen by a filter, queued in the background."""

    class Status(models.TextChoices):
        PREPARING = "preparing", "Preparing"
        QUEUED = "queued", "Queued"
        FAILED = "failed", "Could not be prepared"

    name = models.CharField(max_length=200)
    template = models.ForeignKey(Template, null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField()
    # The filter as chosen on the form, kept so the page can say who it was for.
    criteria = models.JSONField(default=dict)
    send_after = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    matched = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    # Why residents were left out: {"no mobile": 3, "opted out": 2, ...}
    excluded = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("send_cohort", "Can send a text to a group of residents")]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "Sent"
        INBOUND = "inbound", "Received"

    class Kind(models.TextChoices):
        ONE_OFF = "one_off", "Text from an officer"
        COHORT = "cohort", "Group text"
        NUDGE = "nudge", "Reminder"
        SYSTEM = "system", "Automatic text"
        REPLY = "reply", "Text from the resident"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        PERMANENT_FAILURE = "permanent-failure", "Not delivered: number not in use"
        TEMPORARY_FAILURE = "temporary-failure", "Not delivered: phone off or out of signal"
        TECHNICAL_FAILURE = "technical-failure", "Not sent: technical problem"
        CANCELLED = "cancelled", "Not sent"
        RECEIVED = "received", "Received"

    # Our id, given to the provider as its reference: a retry asks the provider about it first.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    # Null for a text from a number we could not match to one resident.
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    number = models.CharField(max_length=20, help_text="The resident's number, E.164")
    # With any secret (a link's token, a one-time code) shown as "••••••": see sealing.py.
    body = models.TextField()
    # The text as sent, encrypted, while a text with a secret waits to be sent; emptied once
    # the provider accepted it or it will never be sent.
    sealed_body = models.TextField(blank=True, default="")
    template = models.ForeignKey(Template, null=True, blank=True, on_delete=models.SET_NULL)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    fragments = models.PositiveSmallIntegerField(default=1)
    encoding = models.CharField(max_length=5, default="GSM")

    # Who the conversation belongs to: the sender for outbound; for inbound, the officer and
    # team who last texted the resident (their inboxes show it).
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)

    provider = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    # Callers' own key so a repeated request (API retry, re-run task) finds the first message.
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # Nudges: the condition that cancels this text once met, e.g. "evidence.request_complete:12".
    condition = models.CharField(max_length=255, blank=True, db_index=True)
    # Texts the resident must get even when opted out: the opt-out confirmation.
    ignores_opt_out = models.BooleanField(default=False)

    send_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)  # delivered, failed or cancelled
    received_at = models.DateTimeField(null=True, blank=True)
    # Inbound only.
    read_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_opt_out_request = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "created_at"]),
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["number", "sending_at"]),
            models.Index(fields=["direction", "handled_at"]),
            models.Index(fields=["cohort", "status"]),
        ]
        constraints = [
            # Providers may call back or be polled more than once for the same inbound text.
            models.UniqueConstraint(
                fields=["provider", "provider_id"],
                condition=~models.Q(provider_id=""),
                name="unique_provider_message",
            )
        ]
        permissions = [("send_message", "Can text residents")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.reference}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_failure(self) -> bool:
        return self.status in FAILURE_STATUSES


FAILURE_STATUSES = {
    Message.Status.PERMANENT_FAILURE,
    Message.Status.TEMPORARY_FAILURE,
    Message.Status.TECHNICAL_FAILURE,
}
FINAL_STATUSES = {
    *FAILURE_STATUSES,
    Message.Status.DELIVERED,
    Message.Status.CANCELLED,
    Message.Status.RECEIVED,
}
# Status only moves forward: a late "sent" after "delivered" is ignored.
STATUS_RANK = {
    Message.Status.QUEUED: 0,
    Message.Status.SENDING: 1,
    Message.Status.SENT: 2,
    **dict.fromkeys(FINAL_STATUSES, 3),
}


class Suppression(models.Model):
    """A number that must not be texted: the resident said STOP, or an officer opted them out."""

    class Reason(models.TextChoices):
        RESIDENT = "resident", "The resident texted STOP"
        OFFICER = "officer", "An officer opted them out"

    number = models.CharField(max_length=20, unique=True)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.number


class ProviderPace(models.Model):
    """A token bucket shared by every worker, so together they never exceed the provider's rate."""

    provider = models.CharField(max_length=20, unique=True)
    tokens = models.FloatField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    # Lowered when the provider answers 429, raised back towards the configured rate after.
    rate_per_minute = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.provider}: {self.rate_per_minute:.0f}/min"


class OutboxEntry(models.Model):
    """What the local outbox 'sent': shown on the phone simulator instead of reaching a phone."""

    reference = models.CharField(max_length=60, unique=True)
    provider_id = models.CharField(max_length=60, unique=True)
    number = models.CharField(max_length=20, db_index=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, default="sending")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"To {self.number}: {self.body[:30]}"
