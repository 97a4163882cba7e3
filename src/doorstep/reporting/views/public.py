"""Public pages (no sign-in): the satisfaction question, and the four KPIs as open data."""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from doorstep.core.forms import add_service_errors

from .. import figures, periods, queries, standard, survey
from ..forms import SurveyForm
from .dashboard import csv_response

OPEN_DATA_COLUMNS = ["kpi", "label", "unit", "period_start", "period_end", "value", "volume"]
OPEN_DATA_CACHE_SECONDS = 600


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request, token: str):
    invitation = queries.find_invitation(token)
    if invitation is None or (not invitation.answered and not invitation.is_open):
        return render(request, "reporting/survey/expired.html", status=404)
    if invitation.answered:
        return render(request, "reporting/survey/thanks.html", {"already": True})
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey.answer(
                invitation=invitation,
                answer=form.cleaned_data["answer"],
                comment=form.cleaned_data["comment"],
            )
        except survey.AlreadyAnswered:
            return render(request, "reporting/survey/thanks.html", {"already": True})
        except survey.Expired:
            return render(request, "reporting/survey/expired.html", status=404)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "reporting/survey/thanks.html", {"already": False})
    invitation.token = token
    return render(
        request, "reporting/survey/question.html", {"form": form, "invitation": invitation}
    )


def open_data_rows(series_name: str) -> list[dict]:
    """The four KPIs for whole periods that have ended: no free text, no team breakdown."""
    today = timezone.localdate()
    kind = periods.QUARTER if series_name == "quarterly" else periods.MONTH
    last_complete = periods.containing(kind, today).previous()
    chosen = periods.series(last_complete, 8 if kind == periods.QUARTER else 12)
    computed = queries.compute_all(chosen, queries.Scope(today=today), only=standard.KPI_SLUGS)
    rows = []
    for item in computed:
        for period, result in zip(chosen, item.results, strict=True):
            rows.append(
                {
                    "kpi": item.figure.slug,
                    "label": item.figure.label,
                    "unit": item.figure.unit,
                    "period_start": period.start.isoformat(),
                    "period_end": period.end.isoformat(),
                    "value": figures.plain_value(item.figure.unit, result.value) or None,
                    "volume": result.volume,
                }
            )
    return rows


def _cached_rows(series_name: str) -> list[dict]:
    key = f"reporting:open-data:{series_name}:{timezone.localdate().isoformat()}"
    rows = cache.get(key)
    if rows is None:
        rows = open_data_rows(series_name)
        cache.set(key, rows, OPEN_DATA_CACHE_SECONDS)
    return rows


@login_not_required
@require_GET
def open_data(request, fmt: str):
    series_name = "quarterly" if request.GET.get("series") == "quarterly" else "monthly"
    rows = _cached_rows(series_name)
    if fmt == "csv":
        return csv_response(rows, OPEN_DATA_COLUMNS, f"kpis-{series_name}.csv")
    response = JsonResponse({"series": series_name, "kpis": rows})
    response["Access-Control-Allow-Origin"] = "*"
    return response
