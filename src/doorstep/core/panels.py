"""Panels other capabilities add to a resident's Single View.

The residents app owns the page; each capability registers a panel in its AppConfig.ready():

    register_panel(slug="vulnerability", template="vulnerability/officer/panel.html",
                   context=vulnerability_panel_context, position="header", order=10)

`context(request, resident)` returns the template's context, or None to leave the panel out
(e.g. the member of staff may not see it). It runs on every Single View, so keep it to a query
or two. Panels are rendered in `order` within their position.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

POSITIONS = ("header", "main", "side")


@dataclass(frozen=True)
class Panel:
    slug: str
    template: str
    context: Callable[[HttpRequest, object], dict | None]
    position: str
    order: int


@dataclass(frozen=True)
class RenderedPanel:
    slug: str
    template: str
    context: dict


_PANELS: dict[str, Panel] = {}


def register_panel(
    *,
    slug: str,
    template: str,
    context: Callable[[HttpRequest, object], dict | None],
    position: str = "main",
    order: int = 50,
) -> None:
    if position not in POSITIONS:
        raise ValueError(f"Unknown panel position {position!r}: use one of {POSITIONS}")
    _PANELS[slug] = Panel(slug, template, context, position, order)


def panels_for(request: HttpRequest, resident) -> dict[str, list[RenderedPanel]]:
    """The panels to show for this resident to this member of staff, grouped by position."""
    grouped: dict[str, list[RenderedPanel]] = {position: [] for position in POSITIONS}
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.slug)):
        context = panel.context(request, resident)
        if context is not None:
            grouped[panel.position].append(RenderedPanel(panel.slug, panel.template, context))
    return grouped
