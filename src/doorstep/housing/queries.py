"""Reads for the housing pages, the officer panel and the API. Pages only read stored estimates."""

from dataclasses import dataclass

from django.db.models import Q

from . import estimator
from .models import Application, Band, Estimate, Upload, bedrooms_label


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
