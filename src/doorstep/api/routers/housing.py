"""Housing register waiting-time estimates through the API (no personal data)."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, P, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import WithJsonSchema

from doorstep.housing import queries
from doorstep.housing.models import MAX_BEDROOMS, MIN_BEDROOMS

from ..schemas import Message, ValidationErrors

router = Router(tags=["Housing"])

# The schema gives the range; the range is checked in `estimates`, for a message that says
# what the largest need means.
BedroomNeed = Annotated[
    int, WithJsonSchema({"type": "integer", "minimum": MIN_BEDROOMS, "maximum": MAX_BEDROOMS})
]


class EstimateOut(Schema):
    # Each alias names the attribute of housing.models.Estimate the field is read from.

    band: str = Field(alias="band.name", description="The band's name, like 'A'")
    band_rank: int = Field(alias="band.rank", description="1 for the band housed first")
    bedrooms: int = Field(description=f"Bedroom need; {MAX_BEDROOMS} means {MAX_BEDROOMS} or more")
    as_of: datetime.date | None = Field(description="The date of the latest let in the data")
    status: str = Field(
        alias="queue_status",
        description="'ok'; 'thin' (not enough lets to estimate); 'no_supply' (no homes of "
        "this size became free for this band last year); 'no_data' (no lettings uploaded)",
    )
    households_waiting: int
    households_ahead: int = Field(description="Ahead of a household joining this band today")
    lets_last_year: int = Field(description="Homes of this size let in the last 12 months")
    joined_higher_last_year: int
    supply: int = Field(description="Lets in the last 12 months minus joiners to higher bands")
    lets_per_year: float = Field(description="Lets to this band and size, a year on average")
    historic_count: int = Field(description="Households of this band and size housed (3 years)")
    median_wait_days: float | None = Field(alias="median_days")
    p25_wait_days: float | None = Field(alias="p25_days")
    p75_wait_days: float | None = Field(alias="p75_days")
    council_formula_months: float | None = Field(
        alias="council_months",
        description="The council's usual formula: (position - 1) / supply * 12",
    )
    estimate_months: float | None = Field(alias="queue_months")
    estimate_low_months: float | None = Field(
        alias="queue_low_months", description="80 % range, low end"
    )
    estimate_high_months: float | None = Field(
        alias="queue_high_months", description="80 % range, high end"
    )
    chance_1_year: float | None = Field(description="0 to 1")
    chance_3_years: float | None
    chance_5_years: float | None


class EstimateList(Schema):
    count: int
    items: list[EstimateOut]


def _invalid(name: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["query", name], "msg": message, "type": "value_error"}])


@router.get(
    "/estimates",
    response={200: EstimateList, 401: Message, 422: ValidationErrors},
    summary="Waiting-time estimates",
    url_name="housing_estimates",
    description=(
        "Estimated waits and chances of an offer by band and bedroom need, worked out after "
        "each lettings or register upload. Leave out band or bedrooms to get every one. "
        "See docs/housing.md for the method."
    ),
)
def estimates(
    request: HttpRequest,
    band: Query[str | None, P(description="A band's name, like 'B'")] = None,
    bedrooms: Query[
        BedroomNeed | None, P(description=f"Bedroom need, {MIN_BEDROOMS} to {MAX_BEDROOMS}")
    ] = None,
):
    chosen_band = None
    problems = []
    if band is not None and band.strip():
        bands = {known.name.upper(): known for known in queries.bands()}
        chosen_band = bands.get(band.strip().upper())
        if chosen_band is None:
            problems.append(
                _invalid(
                    "band",
                    f"'{band[:20]}' is not a band. Use one of: "
                    + ", ".join(known.name for known in bands.values()),
                )
            )
    if bedrooms is not None and not MIN_BEDROOMS <= bedrooms <= MAX_BEDROOMS:
        problems.append(
            _invalid(
                "bedrooms",
                f"Bedrooms must be a whole number from {MIN_BEDROOMS} to {MAX_BEDROOMS} "
                f"({MAX_BEDROOMS} means {MAX_BEDROOMS} or more)",
            )
        )
    if problems:
        raise NinjaValidationError([error for problem in problems for error in problem.errors])
    rows = queries.estimates(band=chosen_band, bedrooms=bedrooms)
    return {"count": len(rows), "items": rows}
