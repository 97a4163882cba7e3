"""Tokens that let another system use the API on behalf of a named integration."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    """What a token may use: one scope per part of the API (see `access.py`).

    Residents are split into reading and writing; every other part is one scope.
    """

    RESIDENTS_READ = "residents:read", "Find and read resident records and their timelines"
    RESIDENTS_WRITE = "residents:write", "Create and change resident records"
    VULNERABILITY = "vulnerability", "Record and read vulnerability assessments"
    HOUSING = "housing", "Read housing waiting-time estimates"
    MESSAGING = "messaging", "Text residents and read their texts"
    EVIDENCE = "evidence", "Ask residents for documents and download checked documents"
    PLANS = "plans", "Make, read and change shared plans and their actions"
    INCLUSION = (
        "inclusion",
        "Digital inclusion: Digital Friends, help requests, sessions and skills checks",
    )
    REPORTING = "reporting", "Read reporting figures"


class ApiToken(models.Model):
    name = models.CharField(max_length=100, help_text="The system or integration using it")
    # Only the SHA-256 of the token is kept; the token itself is shown once.
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The `Scope` values the token may use. Tokens from before scopes existed were given all
    # of them (migration 0003), so they kept working as before; see docs/api.md.
    scopes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("manage_api_tokens", "Can issue and revoke API tokens")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope_labels(self) -> list[str]:
        """The token's scopes in the order of `Scope`, for the list of tokens."""
        held = set(self.scopes or ())
        return [scope.value for scope in Scope if scope.value in held]
