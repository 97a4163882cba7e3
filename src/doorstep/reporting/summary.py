"""The dashboard's figures for one period and scope, shared by the page and the cache warmer."""

from django.utils import timezone

from doorstep.core.models import Team

from . import figures, periods, queries, standard

CHART_PERIODS = 6


def dashboard_figures(chosen: periods.Period, scope: queries.Scope):
    """The periods on the charts, their data, and every figure computed.

    The charts need the KPIs for every period shown; the tables, this period and the last.
    """
    shown = periods.series(chosen, CHART_PERIODS)
    names = [standard.KPI_EVENTS] * (len(shown) - 2) + [None, None]
    datas = queries.period_data(shown, scope, names)
    computed = {}
    for figure in figures.all_figures():
        needed = datas if figure.slug in standard.KPI_SLUGS else datas[-2:]
        results = [queries.compute(figure, data) for data in needed]
        computed[figure.slug] = queries.ComputedFigure(figure, results)
    return shown, datas, computed


def warm_cache() -> int:
    """Compute the usual views (week, month, quarter; all teams and each team) after a refresh,
    so their rollup totals and percentiles are cached before anyone asks."""
    today = timezone.localdate()
    warmed = 0
    for kind in (periods.WEEK, periods.MONTH, periods.QUARTER):
        for team_id in [None, *Team.objects.values_list("pk", flat=True)]:
            dashboard_figures(
                periods.containing(kind, today), queries.Scope(team_id=team_id, today=today)
            )
            warmed += 1
    return warmed
