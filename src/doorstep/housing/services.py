"""Every write for housing: uploads, recomputing the estimates, and a resident's own lookup."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from doorstep.core import audit, service_events, throttle, timeline
from doorstep.residents.models import ExternalIdentifier

from . import estimator, importing, queries
from .models import (
    BEDROOM_SIZES,
    Application,
    Band,
    Estimate,
    Letting,
    MakeupCount,
    Upload,
)

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


@transaction.atomic
def _rejected(*, actor, kind, filename, row_count, errors, request) -> Upload:
    upload = Upload.objects.create(
        kind=kind,
        original_filename=filename[:200],
        status=Upload.Status.REJECTED,
        row_count=row_count,
        error_count=len(errors),
        errors=[error.as_dict() for error in errors[: importing.MAX_ERRORS_KEPT]],
        uploaded_by=_person(actor),
    )
    audit.record(
        actor=actor,
        action="import",
        object_type="housing_upload",
        object_id=upload.pk,
        detail=f"{upload.get_kind_display()} file {upload.original_filename} not imported: "
        f"{len(errors)} problems",
        request=request,
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
        uploaded_by=_person(actor),
    )
    model = _MODELS[kind]
    model.objects.all().delete()
    model.objects.bulk_create((model(upload=upload, **row) for row in rows), batch_size=2000)
    if kind == Upload.Kind.APPLICATIONS:
        upload.linked_count = link_residents()
        upload.save(update_fields=["linked_count"])
    audit.record(
        actor=actor,
        action="import",
        object_type="housing_upload",
        object_id=upload.pk,
        detail=f"{upload.get_kind_display()} file {upload.original_filename} imported: "
        f"{len(rows)} rows, replacing the previous data"
        + (f"; {upload.linked_count} linked to residents" if kind == "applications" else ""),
        request=request,
    )
    from .tasks import recompute_estimates_task

    transaction.on_commit(lambda: recompute_estimates_task.enqueue())
    return upload


def link_residents() -> int:
    """Link each application to the resident holding its register reference as an identifier."""
    by_reference = {
        value.upper(): resident_id
        for value, resident_id in ExternalIdentifier.objects.filter(
            source=HOUSING_REGISTER_SOURCE, resident__merged_into=None
        ).values_list("value", "resident_id")
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


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Estimates -----------------------------------------------------------------------------


def register_for_estimates(as_of: datetime.date | None) -> estimator.Register:
    """The register make-up from the newer of the applications and the make-up uploads.

    Counted in the database: the same figures as estimator.register_from_applications
    (tests/housing/test_recompute.py checks they agree), without reading every application.
    """
    rank_of = dict(Band.objects.values_list("pk", "rank"))
    latest = queries.current_uploads()
    applications = latest.get(Upload.Kind.APPLICATIONS)
    counts = latest.get(Upload.Kind.MAKEUP)
    if counts is not None and (applications is None or counts.pk > applications.pk):
        return estimator.Register(
            households={
                (rank_of[band_id], size): households
                for band_id, size, households in MakeupCount.objects.values_list(
                    "band_id", "bedrooms", "households"
                )
            },
            joined_last_year=None,
        )
    as_of = as_of or timezone.localdate()
    # In the last 12 months: 0 to 365 days before as_of (estimator._in_last_year).
    recent = Q(
        effective_date__lte=as_of,
        effective_date__gte=as_of - datetime.timedelta(days=365),
    )
    households, joined = {}, {}
    for row in Application.objects.values("band_id", "bedrooms").annotate(
        households=Count("pk"), joined=Count("pk", filter=recent)
    ):
        key = (rank_of[row["band_id"]], row["bedrooms"])
        households[key] = row["households"]
        if row["joined"]:
            joined[key] = row["joined"]
    return estimator.Register(households=households, joined_last_year=joined)


def _lettings_for_estimates(rank_of: dict[int, int]) -> list[tuple[int, int, int, int]]:
    """(let_on, band rank, bedrooms, effective date) for every letting, dates as day numbers
    (date.toordinal()): parsing 400,000 dates through the ORM would take most of the time."""
    if connection.vendor == "sqlite":
        day = "CAST(julianday({}) - 1721424.5 AS INTEGER)"
    else:
        day = "({} - DATE '0001-01-01' + 1)"
    table = Letting._meta.db_table
    sql = (
        f"SELECT {day.format('let_on')}, band_id, bedrooms, {day.format('effective_date')} "  # noqa: S608 (no user input)
        f"FROM {table}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [
            (let_on, rank_of[band_id], size, effective)
            for let_on, band_id, size, effective in cursor.fetchall()
        ]


@transaction.atomic
def recompute_estimates(*, actor=None) -> int:
    """Work out every band x bedroom estimate in one pass and replace the stored table."""
    # Locking the bands makes two recomputes take turns rather than clash on the table.
    bands = list(Band.objects.select_for_update().order_by("rank"))
    rank_of = {band.pk: band.rank for band in bands}
    band_of_rank = {band.rank: band for band in bands}
    lettings = _lettings_for_estimates(rank_of)
    as_of = datetime.date.fromordinal(max(let[0] for let in lettings)) if lettings else None
    results = estimator.estimate_all_days(
        lettings=lettings,
        register=register_for_estimates(as_of),
        band_ranks=[band.rank for band in bands],
        bedroom_sizes=BEDROOM_SIZES,
        as_of=as_of,
    )
    now = timezone.now()
    Estimate.objects.all().delete()
    Estimate.objects.bulk_create(
        [_estimate_row(result, band_of_rank[result.band_rank], now) for result in results]
    )
    audit.record(
        actor=actor or "housing estimates",
        action="update",
        object_type="housing_estimates",
        detail=f"Recomputed {len(results)} estimates from {len(lettings)} lettings"
        + (f" up to {as_of:%d %b %Y}" if as_of else ""),
    )
    return len(results)


def _estimate_row(result: estimator.GroupEstimate, band: Band, now) -> Estimate:
    chances = result.queue.chances
    return Estimate(
        band=band,
        bedrooms=result.bedrooms,
        as_of=result.as_of,
        computed_at=now,
        months_of_data=result.months_of_data,
        households_waiting=result.households_waiting,
        households_ahead=result.households_ahead,
        lets_last_year=result.lets_last_year,
        lets_in_band_last_year=result.lets_in_band_last_year,
        lets_per_year=result.lets_per_year,
        joined_higher_last_year=result.joined_higher_last_year,
        joiners_from_register=result.joiners_from_register,
        supply=result.supply,
        spread_per_month=result.spread_per_month,
        monthly_lets=result.monthly_lets,
        historic_count=result.historic.count,
        median_days=result.historic.median_days,
        p25_days=result.historic.p25_days,
        p75_days=result.historic.p75_days,
        council_months=result.council_months,
        queue_status=result.queue.status,
        queue_months=result.queue.months,
        queue_low_months=result.queue.low_months,
        queue_high_months=result.queue.high_months,
        chance_1_year=chances.get(1),
        chance_3_years=chances.get(3),
        chance_5_years=chances.get(5),
    )


# --- A resident's own lookup ---------------------------------------------------------------


class LookupFailed(Exception):
    """The reference and date of birth do not match a record we can show."""


class LookupLocked(Exception):
    """Too many failed attempts from this address or for this reference."""


def _failure_keys(reference: str, ip: str | None) -> list[str]:
    digest = hashlib.sha256(reference.strip().upper().encode()).hexdigest()[:32]
    return [f"housing:lookup:ip:{ip or 'unknown'}", f"housing:lookup:ref:{digest}"]


def _locked(keys: list[str]) -> bool:
    return any(throttle.reached(key, LOOKUP_FAILURE_LIMIT) for key in keys)


def _count_failure(keys: list[str]) -> None:
    for key in keys:
        throttle.count(key, LOOKUP_WINDOW_SECONDS)


def lookup_position(
    *, reference: str, date_of_birth: datetime.date, request: HttpRequest | None = None
) -> "queries.Position":
    """A household's own place on the register, if the reference and date of birth match.

    Both must match; a record without a date of birth never matches (fails closed). Failures
    are counted per address and per reference; after LOOKUP_FAILURE_LIMIT in an hour every
    attempt is refused. Every attempt is audited, without the date of birth entered.
    """
    reference = reference.strip()
    keys = _failure_keys(reference, audit.client_ip(request))
    application = (
        Application.objects.select_related("band").filter(reference__iexact=reference).first()
        if reference
        else None
    )

    def record(outcome: str, detail: str) -> None:
        # Its own transaction: a failed attempt is kept although the lookup then raises.
        with transaction.atomic():
            _record_attempt(outcome, detail)

    def _record_attempt(outcome: str, detail: str) -> None:
        audit.record(
            actor="resident position lookup",
            action="view",
            object_type="housing_application",
            object_id=application.pk if application else "",
            resident_id=application.resident_id if application else None,
            detail=f"Position lookup {outcome}: {detail} (reference entered: {reference[:40]!r})",
            request=request,
        )
        service_events.record(
            name="housing.position_lookup", channel="digital", attributes={"outcome": outcome}
        )

    if _locked(keys):
        record("refused", "too many failed attempts in the last hour")
        raise LookupLocked
    matched = (
        application is not None
        and application.lead_date_of_birth is not None
        and application.lead_date_of_birth == date_of_birth
    )
    if not matched:
        _count_failure(keys)
        reason = (
            "no application with that reference"
            if application is None
            else "no date of birth on record"
            if application.lead_date_of_birth is None
            else "date of birth did not match"
        )
        record("failed", reason)
        raise LookupFailed
    with transaction.atomic():
        _record_attempt("matched", "reference and date of birth matched")
        if application.resident_id:
            timeline.add_event(
                resident_id=application.resident_id,
                kind="housing",
                summary="Checked their place on the housing register online",
                source=application,
            )
    return queries.position_for(application)
