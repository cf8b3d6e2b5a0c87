"""How every chart looks: the page's palette (static/css/waypoint.css) and the layout Plotly
figures start from, so charts read as part of the page wherever they are drawn."""

from typing import Any

INK_SOFT = "#465163"
MUTED = "#5f6b7c"
GRID = "#e1e5ec"
ACCENT = "#2856c7"
ACCENT_FILL = "rgba(40, 86, 199, 0.10)"
OK = "#1b7046"
GOOD_SIDE = "rgba(27, 112, 70, 0.09)"
LABEL_BACKGROUND = "rgba(255, 255, 255, 0.8)"
PRODUCTION = "#b63d0c"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

# Checking every property against plotly's schema costs more than building the figure (about
# 10 ms a chart, on every page view); the figures are checked in tests instead
# (tests/lifecycle/test_charts.py::test_figures_are_valid_plotly), so pages skip it.
VALIDATE = False


def base_layout(**overrides: Any) -> dict[str, Any]:
    """Small, calm and still: the page scrolls on a phone, the chart does not zoom or pan.
    `overrides` replace top-level keys; callers extend `xaxis`/`yaxis` with `|=`."""
    axis = {"fixedrange": True, "linecolor": GRID, "tickfont": {"color": MUTED}}
    return {
        "autosize": True,
        "margin": {"l": 52, "r": 12, "t": 28, "b": 36, "pad": 2},
        "font": {"family": FONT, "size": 12, "color": INK_SOFT},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "dragmode": False,
        "hovermode": "closest",
        "hoverlabel": {"bgcolor": "#ffffff", "bordercolor": GRID, "font": {"color": INK_SOFT}},
        "xaxis": dict(axis),
        "yaxis": dict(axis),
    } | overrides
