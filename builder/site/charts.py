"""Chart geometry computed at build time (log scales, ticks, points), so the site ships SVG and no charting library."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from builder.derive.derived import ModelReport
from builder.derive.metrics import Metric
from builder.formatting import figure, number

WIDTH, HEIGHT = 800, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 50


@dataclass(frozen=True)
class Point:
    """One model on a scatter chart; `y_low`/`y_high` draw its range."""

    x: float
    y: float
    y_low: float
    y_high: float
    x_low: float
    x_high: float
    estimated: bool
    label: str
    href: str
    text: str = ""  # what hovering or focusing the point says: the value, range and method


@dataclass(frozen=True)
class Tick:
    """An axis tick at a pixel position; `power` is set on log axes to print 10^n."""

    at: float
    label: str
    power: int | None = None


@dataclass
class Chart:
    """Everything an SVG template needs, plus the text alternative as table rows."""

    id: str
    title: str
    description: str
    x_label: str
    y_label: str
    width: int = WIDTH
    height: int = HEIGHT
    points: list[Point] = field(default_factory=list)
    bars: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    table_head: tuple[str, ...] = ()
    table_rows: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def plot(self) -> tuple[int, int, int, int]:
        """Left, top, right, bottom of the plotting area."""
        return LEFT, TOP, self.width - RIGHT, self.height - BOTTOM


class Scale:
    """Maps data to pixels on a linear or log axis."""

    def __init__(self, low: float, high: float, start: float, end: float, log: bool) -> None:
        """Set the data bounds (as logarithms on a log axis) and the pixel range."""
        self.log = log
        self.low, self.high = (math.log10(low), math.log10(high)) if log else (low, high)
        if self.high <= self.low:
            self.high = self.low + 1
        self.start, self.end = start, end

    def __call__(self, value: float) -> float:
        """The pixel position of a value."""
        v = math.log10(value) if self.log else value
        return round(self.start + (v - self.low) / (self.high - self.low) * (self.end - self.start), 1)


def log_bounds(values: Sequence[float]) -> tuple[float, float]:
    """The powers of ten that enclose the values."""
    lo = math.floor(math.log10(min(values)))
    hi = math.ceil(math.log10(max(values)))
    return 10.0**lo, 10.0 ** max(hi, lo + 1)


def log_ticks(low: float, high: float, scale: Scale) -> list[Tick]:
    """At most about eight power-of-ten ticks between the bounds."""
    lo, hi = round(math.log10(low)), round(math.log10(high))
    step = max(1, math.ceil((hi - lo) / 8))
    return [Tick(scale(10.0**p), number(10.0**p), p) for p in range(lo, hi + 1, step)]


def year_value(date: str | None) -> float | None:
    """2020-05-28 as 2020.33: the release date on a time axis."""
    if not date:
        return None
    month = int(date[5:7]) if len(date) >= 7 else 6
    return int(date[:4]) + (month - 0.5) / 12


def _metric_points(reports: Mapping[str, ModelReport], name: str) -> list[tuple[ModelReport, Metric]]:
    """The models that have a positive value of the metric."""
    return [
        (r, r.training.metrics[name])
        for r in reports.values()
        if name in r.training.metrics and r.training.metrics[name].value > 0
    ]


def over_time(
    reports: Mapping[str, ModelReport], name: str, chart_id: str, title: str, y_label: str, root: str
) -> Chart | None:
    """A metric against release date, log scale, each point with its range."""
    found = [(year_value(r.model.released), r, m) for r, m in _metric_points(reports, name)]
    data = [(x, r, m) for x, r, m in found if x is not None]
    if not data:
        return None
    chart = Chart(chart_id, title, "", "Release date (year)", y_label)
    left, top, right, bottom = chart.plot
    x0 = math.floor(min(x for x, _, _ in data))
    x1 = max(math.ceil(max(x for x, _, _ in data)), x0 + 1)
    ylo, yhi = log_bounds([v for _, _, m in data for v in (max(m.low, 1e-300), m.high)])
    xs, ys = Scale(x0, x1, left, right, False), Scale(ylo, yhi, bottom, top, True)
    step = max(1, math.ceil((x1 - x0) / 8))
    chart.x_ticks = [Tick(xs(y), str(y)) for y in range(x0, x1 + 1, step)]
    chart.y_ticks = log_ticks(ylo, yhi, ys)
    for x, r, m in sorted(data, key=lambda d: d[0]):
        chart.points.append(
            Point(
                xs(x),
                ys(m.value),
                ys(max(m.low, ylo)),
                ys(m.high),
                xs(x),
                xs(x),
                not m.developer,
                r.model.name,
                f"{root}models/{r.model.id}/",
                f"{r.model.name}: {_printed(m)}, {m.method}; released {r.model.released or 'unknown'}",
            )
        )
        chart.table_rows.append((r.model.name, r.model.released or "", _printed(m), m.method))
    chart.table_head = ("Model", "Released", y_label, "Method")
    chart.description = (
        f"{len(data)} models by release date from {x0} to {x1}; {y_label} on a log scale from "
        f"{number(ylo)} to {number(yhi)}. Filled dots are reported figures, hollow dots estimates; bars show ranges."
    )
    return chart


def _printed(m: Metric) -> str:
    """A metric as table text: value, unit and range, as the pages print it."""
    return figure(m.value, m.unit, m.low, m.high)


def against(reports: Mapping[str, ModelReport], root: str) -> Chart | None:
    """Emissions against training compute, both log scales."""
    data = [
        (r, r.training.metrics["compute_flop"], r.training.metrics["emissions_tco2e"])
        for r in reports.values()
        if "compute_flop" in r.training.metrics and "emissions_tco2e" in r.training.metrics
    ]
    if not data:
        return None
    chart = Chart(
        "chart-emissions-compute",
        "Training emissions against training compute",
        "",
        "Training compute (FLOP, log scale)",
        "Emissions (tCO2e, log scale)",
    )
    left, top, right, bottom = chart.plot
    xlo, xhi = log_bounds([v for _, c, _ in data for v in (c.low, c.high)])
    ylo, yhi = log_bounds([v for _, _, e in data for v in (e.low, e.high)])
    xs, ys = Scale(xlo, xhi, left, right, True), Scale(ylo, yhi, bottom, top, True)
    chart.x_ticks, chart.y_ticks = log_ticks(xlo, xhi, xs), log_ticks(ylo, yhi, ys)
    for r, c, e in sorted(data, key=lambda d: d[1].value):
        chart.points.append(
            Point(
                xs(c.value),
                ys(e.value),
                ys(e.low),
                ys(e.high),
                xs(c.low),
                xs(c.high),
                not (c.developer and e.developer),
                r.model.name,
                f"{root}models/{r.model.id}/",
                f"{r.model.name}: compute {_printed(c)} ({c.method}); emissions {_printed(e)} ({e.method})",
            )
        )
        chart.table_rows.append((r.model.name, f"{_printed(c)} ({c.method})", f"{_printed(e)} ({e.method})"))
    chart.table_head = ("Model", "Compute", "Emissions")
    chart.description = (
        f"{len(data)} models with both figures; compute from {number(xlo)} to {number(xhi)} FLOP, emissions from "
        f"{number(ylo)} to {number(yhi)} tCO2e, both on log scales. Hollow dots involve an estimate."
    )
    return chart


def openness_histogram(reports: Mapping[str, ModelReport]) -> Chart:
    """How many models score 0-9, 10-19, ... 90-100 on openness, and how many cannot be scored."""
    scores = [r.openness.score for r in reports.values()]
    bins = [0] * 10
    for s in scores:
        if s is not None:
            bins[min(int(s // 10), 9)] += 1
    unknown = sum(1 for s in scores if s is None)
    labels = [f"{10 * i}–{10 * i + 9 if i < 9 else 100}" for i in range(10)] + ["unknown"]
    counts = [*bins, unknown]
    chart = Chart("chart-openness", "Openness score distribution", "", "Openness score (0–100)", "Models (count)")
    left, top, right, bottom = chart.plot
    ys = Scale(0, max(max(counts), 1), bottom, top, False)
    band = (right - left) / len(counts)
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        x = left + i * band + 2
        chart.bars.append(
            (round(x, 1), ys(count), round(band - 4, 1), round(bottom - ys(count), 1), f"{label}: {count}")
        )
        chart.x_ticks.append(Tick(round(x + band / 2 - 2, 1), label))
        chart.table_rows.append((label, str(count)))
    top_count = max(max(counts), 1)
    step = max(1, math.ceil(top_count / 5))
    chart.y_ticks = [Tick(ys(v), str(v)) for v in range(0, top_count + 1, step)]
    chart.table_head = ("Score", "Models")
    chart.description = (
        f"Openness scores of {len(scores)} models in bins of ten points; {unknown} models cannot be scored "
        "because none of their openness statuses is known."
    )
    return chart


def all_charts(reports: Mapping[str, ModelReport], root: str) -> list[Chart]:
    """The home page charts, skipping any the registry has no data for."""
    made: list[Chart | None] = [
        over_time(
            reports,
            "emissions_tco2e",
            "chart-emissions-time",
            "Training emissions over time",
            "Emissions (tCO2e)",
            root,
        ),
        over_time(reports, "compute_flop", "chart-compute-time", "Training compute over time", "Compute (FLOP)", root),
        against(reports, root),
        openness_histogram(reports),
    ]
    return [c for c in made if c is not None]
