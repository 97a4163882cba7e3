"""Reads for the housing pages, the officer panel and the API. Pages only read stored estimates."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from . import estimator
from .models import Application, Band, Estimate, Letting, MakeupCount, Upload, bedrooms_label


def bands() -> list[Band]:
    return list(Band.objects.order_by("rank"))


def estimate_for(*, band: Band, bedrooms: int) -> Estimate | None:
    return Estimate.objects.select_related("band").filter(band=band, bedrooms=bedrooms).first()


def estimates(*, band: Band | None = None, bedrooms: int | None = None) -> list[Estimate]:
    rows = Estimate.objects.select_related("band")
    if band is not None:
        rows = rows.filter(band=band)
    if bedrooms is not None:
        rows = rows.filter(bedrooms=bedrooms)
    return list(rows)


def current_uploads() -> dict[str, Upload]:
    """The accepted upload whose rows are in use, for each kind of file."""
    current: dict[str, Upload] = {}
    for upload in Upload.objects.filter(status=Upload.Status.ACCEPTED).order_by("-id"):
        current.setdefault(upload.kind, upload)
        if len(current) == len(Upload.Kind.values):
            break
    return current


def upload_history(limit: int = 50) -> list[Upload]:
    return list(Upload.objects.select_related("uploaded_by")[:limit])


@dataclass(frozen=True)
class Position:
    application: Application
    higher_bands: int
    same_band_earlier: int
    estimate: Estimate | None
    council_months: float | None
    queue: estimator.QueueEstimate

    @property
    def ahead(self) -> int:
        return self.higher_bands + self.same_band_earlier

    @property
    def place(self) -> int:
        return self.ahead + 1

    @property
    def bedrooms_label(self) -> str:
        return bedrooms_label(self.application.bedrooms)


def position_for(application: Application) -> Position:
    """Where one household stands: who is ahead of it, and how long that might take."""
    same_size = Application.objects.filter(bedrooms=application.bedrooms)
    higher = same_size.filter(band__rank__lt=application.band.rank).count()
    earlier = same_size.filter(
        band=application.band_id, effective_date__lt=application.effective_date
    ).count()
    estimate = estimate_for(band=application.band, bedrooms=application.bedrooms)
    if estimate is None or estimate.queue_status == Estimate.Status.NO_DATA:
        return Position(
            application, higher, earlier, None, None, estimator.QueueEstimate(estimator.NO_DATA)
        )
    council, queue = estimator.personal_estimate(
        ahead=higher + earlier,
        supply=estimate.supply,
        spread=estimate.spread_per_month,
        thin=estimate.queue_status == Estimate.Status.THIN,
    )
    return Position(application, higher, earlier, estimate, council, queue)


def application_for_resident(resident, references: list[str]) -> Application | None:
    """The resident's register application: linked on import, or carrying one of the
    resident's register references (an identifier added since the last upload)."""
    return (
        Application.objects.select_related("band")
        .filter(Q(resident=resident) | Q(reference__in=references))
        .order_by("-effective_date")
        .first()
    )


# --- What the estimates are worked out from ------------------------------------------------


def register_for_estimates(as_of: datetime.date | None) -> estimator.Register:
    """The register make-up from the newer of the applications and the make-up uploads.

    Counted in the database: the same figures as estimator.register_from_applications
    (tests/housing/test_recompute.py checks they agree), without reading every application.
    """
    rank_of = dict(Band.objects.values_list("pk", "rank"))
    latest = current_uploads()
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


def lettings_for_estimates(rank_of: dict[int, int]) -> list[tuple[int, int, int, int]]:
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
