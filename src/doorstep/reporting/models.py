"""Management information: daily rollups of service events, channel costs, the satisfaction survey.

Reporting reads `core.ServiceEvent`; the only events it writes are `survey.answered`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from doorstep.core.models import ServiceEvent


class DailyRollup(models.Model):
    """Counts and sums of one day's events, by name, team, channel and a small grouping key.

    Rebuilt whole, a day at a time, by `rollups.refresh` (see docs/reporting.md). The key holds
    the attributes a figure groups by, joined with "|" in the order `figures.register_event_key`
    gave for that event name, e.g. "evidence_request|done".
    """

    day = models.DateField()
    name = models.CharField(max_length=80)
    # A plain id rather than a foreign key: rollups are a cache and never block deleting a team.
    team_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    key = models.CharField(max_length=120, blank=True)
    count = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "name"]), models.Index(fields=["team_id", "day"])]
        permissions = [
            ("view_dashboard", "Can see management information for their own team"),
            ("view_all_teams", "Can see management information for every team"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name} {self.key}: {self.count}"


class RollupState(models.Model):
    """One row: how far the rollups reach.

    Rollups hold every event with an id up to `last_event_id` on days up to `complete_through`;
    the dashboard adds later events from the raw table, so it is right even between refreshes.
    """

    complete_through = models.DateField(null=True, blank=True)
    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # New on every refresh: cached totals are keyed by it, so a refresh makes them stale.
    version = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"Rollups through {self.complete_through} (event {self.last_event_id})"


# Channels a transaction can be completed through (texts are priced per fragment instead).
COSTED_CHANNELS = [
    choice for choice in ServiceEvent.Channel.choices if choice[0] != ServiceEvent.Channel.SMS.value
]


class ChannelCost(models.Model):
    """What one completed transaction costs through a channel; set by an Administrator."""

    channel = models.CharField(max_length=20, choices=COSTED_CHANNELS, unique=True)
    staff_minutes = models.PositiveIntegerField(default=0)
    cost_per_hour_pence = models.PositiveIntegerField(default=0)
    postage_pence = models.PositiveIntegerField(
        default=0, help_text="Postage and printing for each transaction"
    )

    class Meta:
        ordering = ["channel"]
        permissions = [("manage_costs", "Can set the costs used for cost per transaction")]

    def __str__(self) -> str:
        return self.get_channel_display()


class CostSettings(models.Model):
    """One row: costs that are not per channel."""

    # Providers charge fractions of a penny (GOV.UK Notify: 2.27p), hence a decimal of pence.
    price_per_fragment_pence = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    monthly_overhead_pence = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return "Cost settings"


class SurveyInvitation(models.Model):
    """The one satisfaction question offered for one transaction; answered at most once."""

    ANSWERS = [
        (5, "Very satisfied"),
        (4, "Satisfied"),
        (3, "Neither satisfied or dissatisfied"),
        (2, "Dissatisfied"),
        (1, "Very dissatisfied"),
    ]

    token_hash = models.CharField(max_length=64, unique=True)
    service = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    team_id = models.BigIntegerField(null=True, blank=True)
    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    by_text = models.BooleanField(default=False)
    answered = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.PositiveSmallIntegerField(null=True, blank=True, choices=ANSWERS)
    # "How could we improve this service?": never in public exports.
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "object_type", "object_id"], name="one_survey_per_transaction"
            )
        ]
        indexes = [models.Index(fields=["resident", "by_text", "answered"])]

    def __str__(self) -> str:
        return f"Survey for {self.service} {self.object_type} {self.object_id}"

    @property
    def is_open(self) -> bool:
        return not self.answered and self.expires_at > timezone.now()
