"""Bar charts as server-rendered SVG: each bar is labelled with its number and period, so the
chart reads without colour; the same numbers are in a table beside it."""

from dataclasses import dataclass

from . import figures

WIDTH = 640
HEIGHT = 260
TOP = 30
BOTTOM = 46
SIDE = 12
# The GOV.UK Frontend font stack, as its stylesheet gives it: SVG text does not take the page's
# font from a parent that sets none, and would fall back to the browser's serif.
FONT_FAMILY = "'GDS Transport', arial, sans-serif"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    value_y: float
    value_label: str
    period_label: str
    current: bool
    empty: bool


def bar_chart(unit: str, labels: list[str], values: list[float | None]) -> dict:
    plot_height = HEIGHT - TOP - BOTTOM
    known = [value for value in values if value is not None]
    top = 100.0 if unit == figures.PERCENT else max([*known, 0]) or 1
    top = max(top, max(known, default=0))
    slot = (WIDTH - 2 * SIDE) / max(len(values), 1)
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = 0 if value is None else max(plot_height * max(value, 0) / top, 1)
        x = SIDE + index * slot + slot * 0.15
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label_x=round(x + slot * 0.35, 1),
                value_y=round(
                    (TOP + plot_height if value is None else TOP + plot_height - height) - 8, 1
                ),
                value_label=figures.format_value(unit, value),
                period_label=label,
                current=index == len(values) - 1,
                empty=value is None,
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": TOP + plot_height,
        "period_y": TOP + plot_height + 20,
        "bars": bars,
        "font_family": FONT_FAMILY,
    }
