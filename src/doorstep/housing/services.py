"""Every write for housing: uploads, recomputing the estimates, and a resident's own lookup."""

import datetime
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Replace, Upper
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import actors, audit, clients, throttle
from doorstep.core.changes import Timeline, record_change
from doorstep.residents import queries as resident_queries

from . import importing, queries
from .models import (
    Application,
    Band,
    Letting,
    MakeupCount,
    Upload,
)
from .queries import register_for_estimates
from .recompute import recompute_estimates
from .tasks import recompute_estimates_task

__all__ = ["recompute_estimates", "register_for_estimates"]

# Residents are linked to their application by this identifier (see docs/housing.md).
HOUSING_REGISTER_SOURCE = "Housing register"
LOOKUP_FAILURE_LIMIT = 5
LOOKUP_WINDOW_SECONDS = 60 * 60
_MODELS = {
    Upload.Kind.LETTINGS: Letting,
    Upload.Kind.APPLICATIONS: Application,
    Upload.Kind.MAKEUP: MakeupCount,
}


# --- Uploads -------------------------------------------------------------------------------


def upload_file(
    *,
    actor,
    kind: str,
    raw: bytes,
    filename: str = "",
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> Upload:
    """Check a whole file and, if every row is right, replace that kind of data with it.

    Returns the upload record either way: status "accepted", or "rejected" with its errors
    (and nothing imported). Raises ValidationError only for an unknown kind of file.
    """
    if kind not in _MODELS:
        raise ValidationError({"kind": "Choose which kind of file this is"})
    today = today or timezone.localdate()
    try:
        columns, rows = importing.read_rows(raw, kind)
    except importing.FileRefused as error:
        return _rejected(
            actor=actor,
            kind=kind,
            filename=filename,
            row_count=0,
            errors=[importing.RowError(0, "", error.message)],
            request=request,
        )
    bands = {band.name.upper(): band for band in Band.objects.all()}
    checked = importing.check_rows(kind, columns, rows, bands=bands, today=today)
    if checked.errors:
        return _rejected(
            actor=actor,
            kind=kind,
            filename=filename,
            row_count=checked.row_count,
            errors=checked.errors,
            request=request,
        )
    return replace_rows(
        actor=actor, kind=kind, filename=filename, rows=checked.rows, request=request
    )


def _record_upload(*, actor, upload: Upload, outcome: str, request: HttpRequest | None) -> None:
    """Audit an upload of lettings or register data: "<Kind> file <name> <outcome>"."""
    audit.record(
        actor=actor,
        action="import",
        object_type="housing_upload",
        object_id=upload.pk,
        detail=f"{upload.get_kind_display()} file {upload.original_filename} {outcome}",
        request=request,
    )


@transaction.atomic
def _rejected(*, actor, kind, filename, row_count, errors, request) -> Upload:
    upload = Upload.objects.create(
        kind=kind,
        original_filename=filename[:200],
        status=Upload.Status.REJECTED,
        row_count=row_count,
        error_count=len(errors),
        errors=[error.as_dict() for error in errors[: importing.MAX_ERRORS_KEPT]],
        uploaded_by=actors.staff_or_none(actor),
    )
    _record_upload(
        actor=actor, upload=upload, outcome=f"not imported: {len(errors)} problems", request=request
    )
    return upload


@transaction.atomic
def replace_rows(
    *, actor, kind: str, rows: list[dict], filename: str = "", request: HttpRequest | None = None
) -> Upload:
    """Swap in checked rows in one transaction: readers see the old set or the new one."""
    upload = Upload.objects.create(
        kind=kind,
        original_filename=filename[:200],
        status=Upload.Status.ACCEPTED,
        row_count=len(rows),
        uploaded_by=actors.staff_or_none(actor),
    )
    model = _MODELS[kind]
    model.objects.all().delete()
    model.objects.bulk_create((model(upload=upload, **row) for row in rows), batch_size=2000)
    if kind == Upload.Kind.APPLICATIONS:
        upload.linked_count = link_residents()
        upload.save(update_fields=["linked_count"])
    _record_upload(
        actor=actor,
        upload=upload,
        outcome=f"imported: {len(rows)} rows, replacing the previous data"
        + (f"; {upload.linked_count} linked to residents" if kind == "applications" else ""),
        request=request,
    )
    transaction.on_commit(lambda: recompute_estimates_task.enqueue())
    return upload


def link_residents() -> int:
    """Link each application to the resident holding its register reference as an identifier."""
    by_reference = {
        value.upper(): resident_id
        for value, resident_id in resident_queries.identifiers_from(HOUSING_REGISTER_SOURCE)
    }
    if not by_reference:
        return 0
    changed = []
    for application in Application.objects.only("pk", "reference", "resident_id"):
        resident_id = by_reference.get(application.reference.upper())
        if resident_id is not None and application.resident_id != resident_id:
            application.resident_id = resident_id
            changed.append(application)
    Application.objects.bulk_update(changed, ["resident"], batch_size=2000)
    return Application.objects.filter(resident__isnull=False).count()


# --- A resident's own lookup ---------------------------------------------------------------


class LookupFailed(Exception):
    """The reference and date of birth do not match a record we can show."""


class LookupLocked(Exception):
    """Too many failed attempts from this address or for this reference."""


def _failure_keys(reference: str, ip: str | None) -> list[str]:
    digest = hashlib.sha256(reference.strip().upper().encode()).hexdigest()[:32]
    return [f"housing:lookup:ip:{ip or 'unknown'}", f"housing:lookup:ref:{digest}"]


def _attempt(keys: list[str]) -> bool:
    """Count this attempt against every key first (atomically), then say if it may go on.

    A list, not a generator: the address and the reference must both be counted.
    """
    allowed = [
        throttle.attempt(key, limit=LOOKUP_FAILURE_LIMIT, window_seconds=LOOKUP_WINDOW_SECONDS)
        for key in keys
    ]
    return all(allowed)


def _refund(keys: list[str]) -> None:
    """A match is not a guess: give the attempt back."""
    for key in keys:
        throttle.refund(key)


# What people type around a reference: spaces, hyphens, slashes, dots.
_REFERENCE_PUNCTUATION = (" ", "-", "/", ".", "_")


def compact_reference(reference: str) -> str:
    """'hr 650-826' -> 'HR650826': how a reference is compared, whatever was typed."""
    return re.sub(r"[^A-Z0-9]", "", reference.upper())


def _find_application(reference: str) -> Application | None:
    """The application whose reference matches, ignoring case, spaces and punctuation."""
    if not reference:
        return None
    applications = Application.objects.select_related("band")
    exact = applications.filter(reference__iexact=reference).first()
    if exact is not None:
        return exact
    compact = compact_reference(reference)
    if not compact:
        return None
    stored = F("reference")
    for mark in _REFERENCE_PUNCTUATION:
        stored = Replace(stored, Value(mark), Value(""))
    return applications.annotate(compact=Upper(stored)).filter(compact=compact).first()


def lookup_position(
    *, reference: str, date_of_birth: datetime.date, request: HttpRequest | None = None
) -> "queries.Position":
    """A household's own place on the register, if the reference and date of birth match.

    Both must match; a record without a date of birth never matches (fails closed). Failures
    are counted per address and per reference; after LOOKUP_FAILURE_LIMIT in an hour every
    attempt is refused. Every attempt is audited, without the date of birth entered.
    """
    reference = reference.strip()
    keys = _failure_keys(compact_reference(reference), clients.client_address(request))
    allowed = _attempt(keys)  # counted before the guess is checked, so bursts can't race it
    application = _find_application(reference) if allowed else None

    def record(outcome: str, detail: str, matched: Application | None = None) -> None:
        # Its own transaction: a failed attempt is kept although the lookup then raises.
        with transaction.atomic():
            record_change(
                actor="resident position lookup",
                action="view",
                object_type="housing_application",
                object_id=application.pk if application else "",
                resident_id=application.resident_id if application else None,
                summary=f"Position lookup {outcome}: {detail} "
                f"(reference entered: {reference[:40]!r})",
                request=request,
                timeline_event=Timeline(
                    kind="housing",
                    summary="Checked their place on the housing register online",
                    source=matched,
                )
                if matched is not None
                else None,
                event={
                    "name": "housing.position_lookup",
                    "channel": "digital",
                    "attributes": {"outcome": outcome},
                },
            )

    if not allowed:
        record("refused", "too many failed attempts in the last hour")
        raise LookupLocked
    matched = (
        application is not None
        and application.lead_date_of_birth is not None
        and application.lead_date_of_birth == date_of_birth
    )
    if not matched:
        reason = (
            "no application with that reference"
            if application is None
            else "no date of birth on record"
            if application.lead_date_of_birth is None
            else "date of birth did not match"
        )
        record("failed", reason)
        raise LookupFailed
    _refund(keys)
    record("matched", "reference and date of birth matched", matched=application)
    return queries.position_for(application)
