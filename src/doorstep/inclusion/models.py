"""Digital inclusion: skills checks, access needs, Digital Friends, help requests, matches,
sessions and drop-in events. Business rules live in services.py; these are the tables."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import scale, skills

STAFF = settings.AUTH_USER_MODEL


class AccessNeeds(models.Model):
    """How a resident wants to be contacted and what help they need to use online services."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone"
        FACE_TO_FACE = "face_to_face", "Face to face"
        TEXT = "text", "Text message"
        EMAIL = "email", "E-mail"
        LETTER = "letter", "Letter or printed copies"

    resident = models.OneToOneField(
        "residents.Resident", on_delete=models.CASCADE, related_name="access_needs"
    )
    channels = models.JSONField(default=list, blank=True)
    needs_help_online = models.BooleanField(default=False)
    language = models.CharField(max_length=60, blank=True)
    accessibility_needs = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "access needs"

    def __str__(self) -> str:
        return f"Access needs of resident {self.resident_id}"

    @property
    def channel_labels(self) -> list[str]:
        names = dict(self.Channel.choices)
        return [names[c] for c in self.channels if c in names]


class SkillsCheck(models.Model):
    """One digital skills check: the "I can…" answers, access, confidence and a scale level."""

    class Source(models.TextChoices):
        OFFICER = "officer", "With an officer"
        SELF = "self", "On their own, online"
        FRIEND = "friend", "With a Digital Friend"

    # Empty for a check done from the public link by someone not linked to a record.
    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="skills_checks",
    )
    checked_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_by_label = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.OFFICER)
    tasks = models.JSONField(default=list, blank=True)
    foundation = models.BooleanField(default=False)
    areas = models.JSONField(default=list, blank=True)
    routing = models.JSONField(default=dict, blank=True)
    level = models.PositiveSmallIntegerField()
    level_reason = models.CharField(max_length=200)
    previous_level = models.PositiveSmallIntegerField(null=True, blank=True)
    has_device = models.BooleanField(default=False)
    connection = models.CharField(max_length=10, blank=True)
    enough_data = models.BooleanField(default=False)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    suggestions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["resident", "-checked_at"])]
        permissions = [("coordinate", "Can approve Digital Friends, match and see impact")]

    def __str__(self) -> str:
        return f"Skills check {self.pk}: level {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("inclusion:check", args=[self.pk])

    @property
    def level_label(self) -> str:
        return scale.label(self.level)

    @property
    def checker_name(self) -> str:
        if self.checked_by is not None:
            return self.checked_by.full_name
        return self.checked_by_label or "The resident"

    @property
    def moved(self) -> int | None:
        return None if self.previous_level is None else self.level - self.previous_level


class DigitalFriend(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", "Member of staff"
        COMMUNITY = "community", "Community volunteer"

    class Status(models.TextChoices):
        APPLIED = "applied", "Waiting for checks"
        APPROVED = "approved", "Approved"
        PAUSED = "paused", "Paused"
        DECLINED = "declined", "Declined"

    # What a Friend offers: what they help with, in which languages, where, when, how many.
    OFFER_FIELDS = ("topics", "languages", "places", "availability", "postcode", "capacity")

    full_name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    topics = models.JSONField(default=list)
    languages = models.JSONField(default=list)
    places = models.JSONField(default=list)
    availability = models.JSONField(default=list)
    postcode = models.CharField(max_length=8, blank=True)
    capacity = models.PositiveSmallIntegerField(default=1)
    available_from = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(default=timezone.now)
    # Any change moves this on, so the matching pool (queries.pool) knows to reload.
    changed_at = models.DateTimeField(auto_now=True, db_index=True)
    safeguarding_trained_on = models.DateField(null=True, blank=True)
    data_protection_trained_on = models.DateField(null=True, blank=True)
    dbs_checked_on = models.DateField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    # The sign-in account made when approved.
    staff = models.OneToOneField(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="digital_friend"
    )

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("inclusion:friend", args=[self.pk])


class HelpRequest(models.Model):
    class Source(models.TextChoices):
        OFFICER = "officer", "Officer referral"
        COLLEAGUE = "colleague", "Colleague"
        PUBLIC = "public", "Public form"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a Digital Friend"
        OFFERED = "offered", "Offered to a Digital Friend"
        ARRANGED = "arranged", "Arranged"
        HELPING = "helping", "Being helped"
        CLOSED = "closed", "Closed"

    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    consents_to_text = models.BooleanField(default=False)
    goal = models.CharField(max_length=500)
    topics = models.JSONField(default=list)
    language = models.CharField(max_length=60, default="English")
    places = models.JSONField(default=list)
    availability = models.JSONField(default=list)
    postcode = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("core.Team", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Help request {self.pk}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("inclusion:request", args=[self.pk])

    @property
    def topic_labels(self) -> list[str]:
        return skills.labels(self.topics, skills.TOPICS)

    @property
    def place_labels(self) -> list[str]:
        return skills.labels(self.places, skills.PLACES)


class Match(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="matches")
    friend = models.ForeignKey(DigitalFriend, on_delete=models.PROTECT, related_name="matches")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_meeting_at = models.DateTimeField(null=True, blank=True)
    meeting_place = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        indexes = [models.Index(fields=["friend", "status"])]

    def __str__(self) -> str:
        return f"{self.friend} with {self.help_request.name}"


# The statuses in which a match takes up one of the Friend's places.
LIVE_MATCH_STATUSES = [Match.Status.OFFERED, Match.Status.ACCEPTED]


class Session(models.Model):
    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    topics = models.JSONField(default=list)
    can_now_do = models.CharField(max_length=500, blank=True)
    confidence_before = models.PositiveSmallIntegerField()
    confidence_after = models.PositiveSmallIntegerField()
    next_step = models.CharField(max_length=500, blank=True)
    # Now uses a service online that they used by phone or on paper before.
    now_online = models.BooleanField(default=False)
    logged_at = models.DateTimeField(default=timezone.now)
    logged_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        permissions = [("log_session", "Can see their own learners and log sessions")]

    def __str__(self) -> str:
        return f"Session on {self.held_on}"


class Event(models.Model):
    """A drop-in ("digital speed dating"): bring your own device, meet several Friends."""

    title = models.CharField(max_length=150)
    place = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    topics = models.JSONField(default=list)
    description = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class EventSignup(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signups")
    resident = models.ForeignKey(
        "residents.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    attended = models.BooleanField(null=True, blank=True)
    signed_up_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_up_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} at {self.event}"
