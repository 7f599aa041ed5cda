"""How often the registry's 90% ranges hold the figures developers published: each reported energy or emissions figure
against the holdout estimate made without it (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from statistics import median
from typing import Any

from builder.derive.metrics import HOLDOUT_METRICS, Context, Derived, ModelDerivation, holdout_model
from builder.records.types import Model

LABELS = {"it_energy_mwh": "IT energy", "energy_mwh": "energy", "emissions_tco2e": "emissions (location-based)"}


@dataclass(frozen=True)
class Case:
    """One reported figure beside the estimate made without it."""

    model_id: str
    metric: str
    reported: float
    value: float
    low: float
    high: float
    path: str

    @property
    def inside(self) -> bool:
        return self.low <= self.reported <= self.high

    @property
    def ratio(self) -> float:
        """The error as a factor: estimate / reported or its inverse, whichever is at least 1."""
        return max(self.value / self.reported, self.reported / self.value)


@dataclass(frozen=True)
class Calibration:
    """Coverage of the 90% ranges and the median error over every reported figure with a holdout estimate."""

    cases: tuple[Case, ...]

    @property
    def count(self) -> int:
        return len(self.cases)

    @property
    def inside(self) -> int:
        return sum(c.inside for c in self.cases)

    @property
    def share_inside(self) -> float:
        return self.inside / self.count if self.cases else 0.0

    @property
    def median_ratio(self) -> float:
        return median(c.ratio for c in self.cases) if self.cases else 0.0

    def by_metric(self) -> dict[str, Calibration]:
        return {
            name: Calibration(tuple(c for c in self.cases if c.metric == name))
            for name in HOLDOUT_METRICS
            if any(c.metric == name for c in self.cases)
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "inside": self.inside,
            "share_inside": self.share_inside,
            "median_ratio": self.median_ratio,
        }


def calibrate(derived: Iterable[Derived]) -> Calibration:
    """Every reported energy or emissions figure (with a positive value) that has a holdout estimate."""
    cases = []
    for d in derived:
        for name in HOLDOUT_METRICS:
            m = d.metrics.get(name)
            if m is not None and m.holdout is not None and m.value > 0:
                h = m.holdout
                cases.append(Case(d.model_id, name, m.value, h.value, h.low, h.high, h.path))
    return Calibration(tuple(sorted(cases, key=lambda c: (c.metric, c.model_id))))


def of_reports(reports: Mapping[str, Any]) -> Calibration:
    """The calibration of a build's reports (each with its `training` derivation)."""
    return calibrate(r.training for r in reports.values())


HARDWARE = ("accelerator_count", "duration_hours", "accelerator_hours", "utilization")


def compute_only_model(model: Model) -> Model:
    """The holdout model without its hardware either: what most of the registry's estimates start from (compute or
    size)."""
    blind = holdout_model(model)
    withheld: dict[str, Any] = dict.fromkeys(HARDWARE)
    return replace(blind, training=replace(blind.training, accelerator=None, precision=None, **withheld))


def compute_only(reports: Mapping[str, Any], ctx: Context) -> Calibration:
    """The published figures against estimates made from compute (or parameters and tokens) alone, by the hardware of
    the era: the path most estimates take, which the holdout (keeping hardware) does not test."""
    cases = []
    for r in reports.values():
        for c in calibrate([r.training]).cases:
            estimate = ModelDerivation(compute_only_model(r.model), ctx).get(c.metric)
            if estimate is not None:
                cases.append(
                    Case(c.model_id, c.metric, c.reported, estimate.value, estimate.low, estimate.high, estimate.path)
                )
    return Calibration(tuple(sorted(cases, key=lambda c: (c.metric, c.model_id))))
