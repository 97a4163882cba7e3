"""Staff, teams, the audit log and the resident timeline: what every capability builds on."""

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "Staff":
        if not email:
            raise ValueError("Staff need an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "Staff":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "Staff":
        return self.get(email__iexact=username)


class Staff(AbstractBaseUser, PermissionsMixin):
    """A member of staff or a volunteer who signs in with an e-mail address and password."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can use the Django admin site (for Administrators)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = StaffManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = "staff member"
        verbose_name_plural = "staff"
        permissions = [("manage_staff", "Can manage staff, teams and roles")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())


class AuditQuerySet(models.QuerySet):
    """Audit records are append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise PermissionError("Audit records cannot be changed")

    def delete(self):
        raise PermissionError("Audit records cannot be deleted")

    def _write_seal(self, pk: int, *, seal: int, previous_hash: str, hash: str) -> int:
        """The sealer's one write: the seal fields of a record not sealed yet."""
        unsealed = self.filter(pk=pk, seal__isnull=True)
        return models.QuerySet.update(unsealed, seal=seal, previous_hash=previous_hash, hash=hash)


class AuditEvent(models.Model):
    """One thing a person or system did.

    Written without a hash (appends take no shared lock); the sealer (core.sealing) then gives
    each record, in id order, its place in the chain (`seal`, 1, 2, 3, ...) and an HMAC-SHA256
    (`hash`) of its content and the previous record's HMAC (`previous_hash`), with a key kept
    outside the database.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        MERGE = "merge", "Merged"
        IMPORT = "import", "Imported"
        SEARCH = "search", "Searched"
        LOGIN = "login", "Signed in"
        TOKEN = "token", "API token"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too so the record reads the same if the account is renamed.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60, blank=True)
    # Plain id, not a foreign key: the log outlives merges and must not depend on other apps.
    resident_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Empty until sealed.
    previous_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    seal = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        # An invariant of the model, not a business rule: a written record never changes.
        if self.pk is not None:
            raise PermissionError("Audit records cannot be changed")
        super().save(*args, **kwargs)

    def _content(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "resident_id": self.resident_id,
            "fields": self.fields,
            "detail": self.detail,
            "ip_address": self.ip_address,
            "previous_hash": self.previous_hash,
        }

    def compute_hash(self) -> str:
        """An unkeyed SHA-256 of the content (anyone can recompute it: not the seal)."""
        encoded = json.dumps(self._content(), sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()

    def compute_mac(self, key: bytes) -> str:
        """The keyed seal: HMAC-SHA256 of the content, id, place in the chain and previous MAC."""
        payload = {**self._content(), "id": self.pk, "seal": self.seal}
        encoded = json.dumps(payload, sort_keys=True, default=str).encode()
        return hmac.new(key, encoded, hashlib.sha256).hexdigest()

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records cannot be deleted")


class AuditChainHead(models.Model):
    """The newest hash of the old unkeyed chain. No longer read or locked by the audit log:
    the chain is anchored by signed checkpoints outside the database (core.checkpoints)."""

    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash


class TimelineEvent(models.Model):
    """Something that happened with a resident, written by any capability through core.timeline."""

    resident_id = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    occurred_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the event came from, so a page can link back to it ("cases.case", "42").
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=60, blank=True)
    url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["resident_id", "-occurred_at", "-id"], name="timeline_resident"),
            models.Index(
                fields=["resident_id", "kind", "-occurred_at", "-id"], name="timeline_res_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.summary}"


class ServiceEvent(models.Model):
    """One countable thing that happened in the service, for management information.

    Append-only. Capabilities write these through `doorstep.core.service_events.record` in the
    same transaction as the change they describe, so a change that rolls back leaves no event.
    """

    class Channel(models.TextChoices):
        DIGITAL = "digital", "Digital"
        ASSISTED_DIGITAL = "assisted_digital", "Assisted digital"
        PHONE = "phone", "Phone"
        PAPER = "paper", "Paper or post"
        FACE_TO_FACE = "face_to_face", "Face to face"
        SMS = "sms", "Text message"

    # Dotted names such as "sms.sent" or "evidence.request_completed".
    name = models.CharField(max_length=80)
    occurred_at = models.DateTimeField(default=timezone.now)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    # A count (usually 1), or a measure named by the event: minutes, pence, hours.
    value = models.BigIntegerField(default=1)
    # What the event is about, e.g. ("messaging.message", "123"): lets reports count distinct things.
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    # Small extra dimensions a figure may group by, e.g. {"document_type": "payslip"}.
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["name", "occurred_at"]),
            models.Index(fields=["occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.occurred_at:%Y-%m-%d %H:%M}"


class GuessCounter(models.Model):
    """How many guesses a key (an address, a link, a reference) has made in its current window.

    Used by `core.throttle` when the cache cannot count atomically across processes (the
    file-based default): one SQL statement adds one and returns the new count (decision 0014).
    """

    key = models.CharField(max_length=200, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
