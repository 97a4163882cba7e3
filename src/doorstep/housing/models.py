"""Lettings, the housing register and the waiting-time estimates worked out from them.

Uploads replace a whole data set at once: the rows of one kind always come from a single
accepted upload. Estimates are computed after each upload (estimator.py) and stored, so the
pages only read them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .estimator import QueueEstimate

MIN_BEDROOMS = 1
MAX_BEDROOMS = 5
BEDROOM_SIZES = list(range(MIN_BEDROOMS, MAX_BEDROOMS + 1))


def bedrooms_label(bedrooms: int) -> str:
    if bedrooms == MAX_BEDROOMS:
        return f"{bedrooms} or more bedrooms"
    return f"{bedrooms} bedroom{'s' if bedrooms != 1 else ''}"


class Band(models.Model):
    """A priority band or group of the council's allocation scheme; rank 1 is housed first."""

    name = models.CharField(
        max_length=20, unique=True, help_text="As the CSV files write it, like A"
    )
    rank = models.PositiveSmallIntegerField(
        unique=True, help_text="1 for the band housed first, 2 for the next, and so on"
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="Who is in this band, in plain English"
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"Band {self.name}"


class Upload(models.Model):
    """One CSV file an Administrator uploaded, accepted whole or rejected whole."""

    class Kind(models.TextChoices):
        LETTINGS = "lettings", "Lettings"
        APPLICATIONS = "applications", "Register applications"
        MAKEUP = "makeup", "Register make-up (counts)"

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Imported"
        REJECTED = "rejected", "Not imported"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    original_filename = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # [{"row": 12, "column": "band", "message": "..."}], the first MAX_ERRORS_KEPT of them.
    errors = models.JSONField(default=list, blank=True)
    # Applications linked to a resident by their housing register identifier.
    linked_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        permissions = [("manage_lettings", "Can upload lettings and housing register data")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} upload {self.pk}"


class Letting(models.Model):
    """A home let from the register: who it went to (band, size) and how long they had waited."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="lettings")
    let_on = models.DateField()
    band = models.ForeignKey(Band, on_delete=models.PROTECT, related_name="+")
    bedrooms = models.PositiveSmallIntegerField()
    property_type = models.CharField(max_length=60, blank=True)
    effective_date = models.DateField()
    let_reference = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes = [models.Index(fields=["bedrooms", "band", "let_on"])]

    def __str__(self) -> str:
        return f"{self.bedrooms}-bed let {self.let_on} to band {self.band_id}"


class Application(models.Model):
    """A household waiting on the register, as the register system exported it."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="applications")
    reference = models.CharField(max_length=40, unique=True)
    band = models.ForeignKey(Band, on_delete=models.PROTECT, related_name="+")
    bedrooms = models.PositiveSmallIntegerField()
    effective_date = models.DateField()
    # Needed for the resident's own lookup; a missing date means the lookup always fails.
    lead_date_of_birth = models.DateField(null=True, blank=True)
    # Set on import when a resident holds ExternalIdentifier(source="Housing register",
    # value=reference); see importing.link_residents.
    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="housing_applications",
    )

    class Meta:
        indexes = [models.Index(fields=["bedrooms", "band", "effective_date"])]

    def __str__(self) -> str:
        return self.reference


class MakeupCount(models.Model):
    """Households waiting for one band and size, for councils that can export only counts."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="counts")
    band = models.ForeignKey(Band, on_delete=models.PROTECT, related_name="+")
    bedrooms = models.PositiveSmallIntegerField()
    households = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["band", "bedrooms"], name="unique_makeup_count")
        ]

    def __str__(self) -> str:
        return f"{self.band_id}/{self.bedrooms}: {self.households}"


class Estimate(models.Model):
    """The stored result of estimator.estimate_all for one band and bedroom need."""

    class Status(models.TextChoices):
        OK = "ok", "Estimate given"
        THIN = "thin", "Not enough data"
        NO_SUPPLY = "no_supply", "No homes became free for this band"
        NO_DATA = "no_data", "No lettings data"

    band = models.ForeignKey(Band, on_delete=models.CASCADE, related_name="estimates")
    bedrooms = models.PositiveSmallIntegerField()
    as_of = models.DateField(null=True, blank=True, help_text="The date of the latest let")
    computed_at = models.DateTimeField(default=timezone.now)
    months_of_data = models.PositiveSmallIntegerField(default=0)
    households_waiting = models.PositiveIntegerField(default=0)
    households_ahead = models.PositiveIntegerField(default=0)
    lets_last_year = models.PositiveIntegerField(default=0)
    lets_in_band_last_year = models.PositiveIntegerField(default=0)
    lets_per_year = models.FloatField(default=0)
    joined_higher_last_year = models.PositiveIntegerField(default=0)
    # False when the register came as counts, so only joiners already housed are known.
    joiners_from_register = models.BooleanField(default=True)
    supply = models.IntegerField(default=0)
    spread_per_month = models.FloatField(default=0)
    monthly_lets = models.JSONField(default=list, blank=True)
    historic_count = models.PositiveIntegerField(default=0)
    median_days = models.FloatField(null=True, blank=True)
    p25_days = models.FloatField(null=True, blank=True)
    p75_days = models.FloatField(null=True, blank=True)
    council_months = models.FloatField(null=True, blank=True)
    queue_status = models.CharField(max_length=10, choices=Status.choices, default=Status.NO_DATA)
    queue_months = models.FloatField(null=True, blank=True)
    queue_low_months = models.FloatField(null=True, blank=True)
    queue_high_months = models.FloatField(null=True, blank=True)
    chance_1_year = models.FloatField(null=True, blank=True)
    chance_3_years = models.FloatField(null=True, blank=True)
    chance_5_years = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["band__rank", "bedrooms"]
        constraints = [models.UniqueConstraint(fields=["band", "bedrooms"], name="unique_estimate")]

    def __str__(self) -> str:
        return f"{self.band} {bedrooms_label(self.bedrooms)}"

    @property
    def bedrooms_label(self) -> str:
        return bedrooms_label(self.bedrooms)

    @property
    def historic_enough(self) -> bool:
        return self.median_days is not None

    @property
    def queue(self) -> QueueEstimate:
        chances = {1: self.chance_1_year, 3: self.chance_3_years, 5: self.chance_5_years}
        return QueueEstimate(
            status=self.queue_status,
            months=self.queue_months,
            low_months=self.queue_low_months,
            high_months=self.queue_high_months,
            chances={year: chance for year, chance in chances.items() if chance is not None},
        )
