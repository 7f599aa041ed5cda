"""Readable summaries beside the training metrics: everyday equivalents, who can run or reach the model, what was
disclosed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from builder.derive.metrics import Context, Input, Metric, figure_input, rng
from builder.records import catalogue
from builder.records.types import Figure, Model

# (name, the training metric it restates, the assumption that metric is divided by, formula); each has a catalogue row
EQUIVALENTS = (
    (
        "car_years",
        "emissions_tco2e",
        "car_tco2e_per_year",
        "emissions_tco2e / emissions of a typical passenger car in a year",
    ),
    (
        "flights_paris_new_york",
        "emissions_tco2e",
        "flight_paris_new_york_tco2e_per_passenger",
        "emissions_tco2e / emissions of one passenger flying Paris-New York",
    ),
    (
        "household_years",
        "energy_mwh",
        "household_electricity_mwh_per_year",
        "energy_mwh / electricity a household uses in a year",
    ),
)
BITS = (16, 8, 4)
HARDWARE_CLASSES = (
    ("laptop", "laptop_memory_gb"),
    ("one consumer GPU", "consumer_gpu_memory_gb"),
    ("one data-centre GPU", "datacenter_gpu_memory_gb"),
)


def _disclosed(fig: Figure | None) -> bool:
    """A figure counts as disclosed when the developer gives it (a count or its own estimate), never a third party's
    estimate."""
    return fig is not None and fig.by_developer


DISCLOSURES: tuple[tuple[str, str, Callable[[Model], bool]], ...] = (
    ("compute", "training compute", lambda m: _disclosed(m.training.compute_flop)),
    (
        "hardware",
        "hardware (accelerator and count or hours)",
        lambda m: (
            m.training.accelerator is not None
            and (_disclosed(m.training.accelerator_count) or _disclosed(m.training.accelerator_hours))
        ),
    ),
    ("energy", "energy", lambda m: _disclosed(m.training.energy_mwh) or _disclosed(m.training.it_energy_mwh)),
    (
        "emissions",
        "emissions",
        lambda m: _disclosed(m.training.emissions_tco2e) or _disclosed(m.training.emissions_market_tco2e),
    ),
    (
        "location",
        "training location",
        lambda m: m.training.location.country is not None or m.training.location.grid is not None,
    ),
)


def equivalents(metrics: Mapping[str, Metric], ctx: Context) -> dict[str, Metric]:
    """Emissions and energy in units readers know, each factor sourced in assumptions."""
    out: dict[str, Metric] = {}
    for name, basis, key, formula in EQUIVALENTS:
        metric = metrics.get(basis)
        if metric is None or key not in ctx.assumptions:
            continue
        factor = ctx.assumption(key)
        r = metric.range / rng(factor)
        unit = catalogue.metric(name).unit
        out[name] = Metric(
            name,
            r.value,
            r.low,
            r.high,
            unit,
            "estimated",
            "equivalent",
            formula,
            (metric.as_input(), factor),
            spread=r,
        )
    return out


@dataclass(frozen=True)
class MemoryNeed:
    bits: int
    gigabytes: float
    fits: str


@dataclass(frozen=True)
class AccessSummary:
    """Who can run or reach the model: memory by precision, API price, gating, excluded countries."""

    weights: str | None
    memory: tuple[MemoryNeed, ...]
    memory_inputs: tuple[Input, ...]
    cheapest_input_usd_per_million: float | None
    cheapest_output_usd_per_million: float | None
    price_as_of: str | None
    gating: str | None
    free_tier: str | None
    unavailable_in: tuple[str, ...]
    providers: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "weights": self.weights,
            "memory": [{"bits": m.bits, "gigabytes": m.gigabytes, "fits": m.fits} for m in self.memory],
            "memory_inputs": [i.as_dict() for i in self.memory_inputs],
            "cheapest_input_usd_per_million": self.cheapest_input_usd_per_million,
            "cheapest_output_usd_per_million": self.cheapest_output_usd_per_million,
            "price_as_of": self.price_as_of,
            "gating": self.gating,
            "free_tier": self.free_tier,
            "unavailable_in": list(self.unavailable_in),
            "providers": list(self.providers),
        }


def hardware_class(gigabytes: float, ctx: Context) -> str:
    for label, key in HARDWARE_CLASSES:
        if gigabytes <= ctx.assumptions[key].value:
            return label
    return "several data-centre GPUs"


def access(model: Model, ctx: Context) -> AccessSummary:
    memory: list[MemoryNeed] = []
    inputs: tuple[Input, ...] = ()
    if model.parameters is not None:
        overhead = ctx.assumption("running_memory_overhead_factor")
        params = figure_input("parameters", model.parameters, "parameters")
        inputs = (params, overhead)
        for bits in BITS:
            gigabytes = params.value * bits / 8 / 1e9 * overhead.value
            memory.append(MemoryNeed(bits, gigabytes, hardware_class(gigabytes, ctx)))
    a = model.access
    weights = model.openness.get("weights")
    return AccessSummary(
        weights=weights.value if weights else None,
        memory=tuple(memory),
        memory_inputs=inputs,
        cheapest_input_usd_per_million=a.price.input if a.price else None,
        cheapest_output_usd_per_million=a.price.output if a.price else None,
        price_as_of=a.price.as_of if a.price else None,
        gating=a.gating.value if a.gating else None,
        free_tier=a.free_tier.value if a.free_tier else None,
        unavailable_in=tuple(sorted(u.value for u in a.unavailable_in)),
        providers=a.providers,
    )


@dataclass(frozen=True)
class Transparency:
    """Which key training figures the developer (or a source) disclosed."""

    items: tuple[tuple[str, str, bool], ...]

    @property
    def share(self) -> float:
        return sum(done for _, _, done in self.items) / len(self.items)

    def as_dict(self) -> dict[str, Any]:
        return {
            "share": self.share,
            "items": [{"key": k, "label": label, "disclosed": done} for k, label, done in self.items],
        }


def transparency(model: Model) -> Transparency:
    return Transparency(tuple((key, label, bool(test(model))) for key, label, test in DISCLOSURES))


# Fields that carry something beyond openness: a record with none of them (as the 216 records made from a Model Openness
# Tool listing alone) says who can use a model but nothing about its size, date or cost.
BEYOND_OPENNESS = ("released", "parameters", "active_parameters", "training", "inference", "lifecycle", "access")


def openness_only(model: Model) -> bool:
    """Whether a record holds openness data only: openness statuses, and no release date, parameters, training or
    inference figures, or access (a bare record holds nothing, not openness data)."""
    return bool(model.openness) and not any(model.data.get(name) for name in BEYOND_OPENNESS)
