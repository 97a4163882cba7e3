"""Staff pages: the dashboard and its exports (CSV and JSON of every figure and period)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from doorstep.core.csvfiles import csv_download
from doorstep.core.forms import input_names
from doorstep.core.models import ServiceEvent

from .. import charts, figures, periods, queries, services, standard, summary, tasks
from ..forms import DashboardForm

CHART_PERIODS = summary.CHART_PERIODS
SERIES = {
    "shown": "The periods on the page",
    "monthly": "Last 12 months",
    "quarterly": "Last 8 quarters",
    "rolling": "Rolling 12 months, at the end of each of the last 12 months",
}


def _selection(request):
    """The filter form, and when it is valid the scope and the chosen period."""
    all_teams = request.user.has_perm("reporting.view_all_teams")
    teams = queries.teams_to_choose(request.user, all_teams=all_teams)
    today = timezone.localdate()
    form = DashboardForm(request.GET or None, teams=list(teams), all_teams=all_teams, today=today)
    if not form.is_bound:
        form = DashboardForm(
            {"period": periods.MONTH}, teams=list(teams), all_teams=all_teams, today=today
        )
    if not form.is_valid() or "chosen" not in form.cleaned_data:
        return form, None, None
    scope = queries.Scope(
        team_id=form.cleaned_data["team"], channel=form.cleaned_data["channel"], today=today
    )
    return form, scope, form.cleaned_data["chosen"]


def _series(name: str, chosen: periods.Period, today) -> list[periods.Period]:
    if name == "monthly":
        return periods.series(periods.containing(periods.MONTH, today), 12)
    if name == "quarterly":
        return periods.series(periods.containing(periods.QUARTER, today), 8)
    if name == "rolling":
        return periods.rolling_twelve_months(periods.containing(periods.MONTH, today), 12)
    return periods.series(chosen, CHART_PERIODS)


def _kpi_card(item: queries.ComputedFigure, chosen_periods) -> dict:
    figure = item.figure
    values = [queries.result_value(result) for result in item.results]
    current, previous = item.current, item.previous
    return {
        "figure": figure,
        "value": figures.format_value(figure.unit, current.value),
        "plain": figures.plain_value(figure.unit, current.value),
        "note": current.note,
        "change": figures.format_change(
            figure.unit, current.value, previous.value if previous else None
        ),
        "chart": charts.bar_chart(figure.unit, [p.short_label for p in chosen_periods], values),
        "table": [
            {
                "period": period.label,
                "value": figures.format_value(figure.unit, result.value),
                "volume": "" if result.volume is None else f"{result.volume:,}",
            }
            for period, result in zip(chosen_periods, item.results, strict=True)
        ],
    }


def _row(item: queries.ComputedFigure) -> dict:
    figure = item.figure
    if figure.breakdown:
        previous = dict(item.previous or [])
        return {
            "figure": figure,
            "breakdown": [
                {
                    "label": label,
                    "value": figures.format_value(figure.unit, result.value),
                    "previous": figures.format_value(
                        figure.unit, previous[label].value if label in previous else None
                    ),
                    "volume": result.volume,
                }
                for label, result in item.current
            ],
        }
    previous = item.previous
    return {
        "figure": figure,
        "value": figures.format_value(figure.unit, item.current.value),
        "previous": figures.format_value(figure.unit, previous.value if previous else None),
        "change": figures.format_change(
            figure.unit, item.current.value, previous.value if previous else None
        ),
        "note": item.current.note,
    }


@permission_required("reporting.view_dashboard", raise_exception=True)
@require_GET
def dashboard(request):
    form, scope, chosen = _selection(request)
    context = {"form": form, "kinds": periods.KINDS}
    if chosen is not None:
        shown, datas, computed = summary.dashboard_figures(chosen, scope)
        cards = {slug: _kpi_card(computed[slug], shown) for slug in standard.KPI_SLUGS}
        cards["cost_per_transaction"]["working"] = standard.cost_working(datas[-1])
        cards["user_satisfaction"]["answers"] = [
            (label, result.value) for label, result in computed["satisfaction_answers"].current
        ]
        cards["digital_take_up"]["assisted"] = figures.format_value(
            figures.PERCENT, computed["assisted_digital"].current.value
        )
        kpi_figures = {*standard.KPI_SLUGS, "satisfaction_answers", "assisted_digital"}
        sections = [
            (
                section,
                [_row(computed[f.slug]) for f in section_figures if f.slug not in kpi_figures],
            )
            for section, section_figures in figures.by_section()
        ]
        names = input_names(form)
        query = {key: value for key, value in request.GET.items() if key in names and value}
        context.update(
            {
                "chosen": chosen,
                "previous": chosen.previous(),
                "earlier": chosen.previous(),
                "later": chosen.next() if chosen.end < scope.today else None,
                "scope": scope,
                "team_name": _team_name(scope.team_id),
                "channel_name": dict(ServiceEvent.Channel.choices).get(scope.channel, ""),
                "kpis": [cards[slug] for slug in standard.KPI_SLUGS],
                "beside": [_row(computed[f.slug]) for f in figures.all_figures() if f.beside_kpis],
                "sections": [(name, rows) for name, rows in sections if rows],
                "cost_warning": standard.COST_WARNING,
                "export_query": urlencode(query),
                "series": SERIES,
                "nav_query": urlencode(
                    {k: v for k, v in query.items() if k in ("team", "channel")}
                ),
            }
        )
        tasks.enqueue_refresh_if_due()
    return render(request, "reporting/dashboard.html", context)


def _team_name(team_id: int | None) -> str:
    if team_id is None:
        return "All teams"
    return queries.team_name(team_id)


def export_rows(computed: list[queries.ComputedFigure], chosen_periods) -> list[dict]:
    rows = []
    for item in computed:
        figure = item.figure
        for period, result in zip(chosen_periods, item.results, strict=True):
            parts = result if figure.breakdown else [("", result)]
            for label, part in parts:
                rows.append(
                    {
                        "section": figure.section,
                        "figure": figure.slug,
                        "label": figure.label,
                        "unit": figure.unit,
                        "period_start": period.start.isoformat(),
                        "period_end": period.end.isoformat(),
                        "breakdown": label,
                        "value": figures.plain_value(figure.unit, part.value),
                        "volume": "" if part.volume is None else part.volume,
                    }
                )
    return rows


COLUMNS = [
    "section",
    "figure",
    "label",
    "unit",
    "period_start",
    "period_end",
    "breakdown",
    "value",
    "volume",
]


def csv_response(rows: list[dict], columns: list[str], filename: str) -> HttpResponse:
    table = [columns, *([row.get(column, "") for column in columns] for row in rows)]
    return csv_download(filename, table)


@permission_required("reporting.view_dashboard", raise_exception=True)
@require_GET
def export(request, fmt: str):
    form, scope, chosen = _selection(request)
    series_name = request.GET.get("series", "shown")
    if chosen is None or series_name not in SERIES:
        return HttpResponse(
            "Choose a valid period, team and channel on the dashboard, then export again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    chosen_periods = _series(series_name, chosen, scope.today)
    computed = queries.compute_all(chosen_periods, scope)
    rows = export_rows(computed, chosen_periods)
    services.record_export(
        actor=request.user,
        detail=f"{fmt.upper()} of {SERIES[series_name].lower()}, {_team_name(scope.team_id)}",
        request=request,
    )
    name = f"management-information-{series_name}-{chosen_periods[-1].end.isoformat()}"
    if fmt == "csv":
        return csv_response(rows, COLUMNS, f"{name}.csv")
    payload = {
        "generated_at": timezone.now().isoformat(),
        "team": _team_name(scope.team_id),
        "channel": scope.channel or "all",
        "figures": [
            {
                "figure": item.figure.slug,
                "label": item.figure.label,
                "section": item.figure.section,
                "unit": item.figure.unit,
                "description": item.figure.description,
                "periods": [
                    {
                        "start": row["period_start"],
                        "end": row["period_end"],
                        "breakdown": row["breakdown"],
                        "value": row["value"],
                        "volume": row["volume"],
                    }
                    for row in rows
                    if row["figure"] == item.figure.slug
                ],
            }
            for item in computed
        ],
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response
