"""Derived figures for one model: each reported or estimated, with formula, inputs, sources and a range (pure, no
I/O)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from math import erf, isfinite, log, sqrt
from typing import Any

from builder.derive.ranges import Range
from builder.formatting import exact
from builder.records import catalogue
from builder.records.types import (
    DEVELOPER_PROVENANCE,
    Assumption,
    Figure,
    Grid,
    Hardware,
    Intensity,
    Location,
    Model,
    Operator,
    Organization,
)

PRECISION_ORDER = ("bf16", "fp16", "tf32", "fp32")
INTERVAL_NAME = "90% (log-normal propagation; hull: every input at its extreme)"
SECONDS_PER_HOUR = 3600
JOULES_PER_MWH = 3.6e9
WATT_HOURS_PER_MWH = 1e6
FLOP_PER_PARAMETER_TOKEN = 6

TRAINING_METRICS = catalogue.names(catalogue.TRAINING)  # each derived by ModelDerivation._<name>, in this order
METHODS = {
    "reported": "the developer's own figure, published as a measurement or count",
    "reported-estimate": "the developer's own estimate, published as such",
    "third-party-estimate": "someone else's estimate or a leak (such as Epoch AI's), not confirmed by the developer",
    "estimated": "the registry's estimate, derived from other figures and sourced assumptions by a stated formula",
}
METHODS_TEXT = "; ".join(f"{name}: {meaning}" for name, meaning in METHODS.items())
SCOPES = {  # what a training figure covers (schema: training_scope), in words a reader needs beside the figure
    "final-run": "the final training run only",
    "fine-tune-only": "the fine-tune's own run, without its base model's pretraining",
    "with-base-model": "the fine-tune plus its base model's pretraining",
    "with-experiments": "the final run plus development runs, ablations or failed runs",
}
SOURCED_PATHS = {
    "reported": ("reported", "as published by the source"),
    "reported-estimate": ("source's estimate", "as estimated by the source (not a measurement)"),
    "third-party-estimate": ("third-party estimate", "as estimated by a third party, not the developer"),
}


def _finite(name: str, *numbers: float) -> None:
    """Refuse to export a figure that is not a number (the JSON writer would write NaN or infinity as null, unknown)."""
    if not all(map(isfinite, numbers)):
        raise ValueError(f"{name}: a derived figure is not a finite number: {numbers}")


@dataclass(frozen=True)
class Input:
    """One input of a formula and where it came from: the entry, an assumption, a hardware or grid record."""

    name: str
    value: float
    low: float
    high: float
    unit: str
    origin: str
    ref: str = ""
    sources: tuple[str, ...] = ()
    note: str | None = None
    rule: str | None = None
    spread: Range | None = field(default=None, compare=False, repr=False)
    scope: str | None = None  # its own scope where it differs from the record's training.scope

    @property
    def spread_range(self) -> Range:
        """The input's distribution (see rng)."""
        return rng(self)

    def as_dict(self) -> dict[str, Any]:
        _finite(self.name, self.value, self.low, self.high)
        return {
            "name": self.name,
            "value": exact(self.value),
            "low": exact(self.low),
            "high": exact(self.high),
            "unit": self.unit,
            "origin": self.origin,
            "ref": self.ref,
            "sources": list(self.sources),
            "note": self.note,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Metric:
    """A derived figure: reported (from a source) or estimated (from inputs by a stated formula)."""

    name: str
    value: float
    low: float
    high: float
    unit: str
    method: str
    path: str
    formula: str
    inputs: tuple[Input, ...] = ()
    sources: tuple[str, ...] = ()
    note: str | None = None
    estimate: Metric | None = None
    confidence: str | None = None
    spread: Range | None = field(default=None, compare=False, repr=False)
    holdout: Metric | None = None
    scope: str | None = None  # its own scope where it differs from the record's training.scope
    differs: str | None = None  # the record's explanation of why it lies far from the independent estimate

    @property
    def developer(self) -> bool:
        """Whether the developer stands behind the figure (its own count or its own estimate)."""
        return self.method in DEVELOPER_PROVENANCE

    @property
    def sourced(self) -> bool:
        """Whether the figure was read in a source (any method but the registry's own estimate)."""
        return self.method != "estimated"

    @property
    def range(self) -> Range:
        """The propagated range (an estimate's) or a reported figure's own, its low and high read as a 90% interval."""
        if self.spread is not None:
            return self.spread
        return Range.lognormal(f"entry:{self.name}", self.value, self.low, self.high)

    @property
    def hull(self) -> tuple[float, float]:
        """The extremes: every input at its own low or high at once (a reported figure: its own range)."""
        return self.range.hull

    def as_input(self, name: str | None = None) -> Input:
        ref = self.path if self.method == "estimated" else ""
        return Input(
            name or self.name,
            self.value,
            self.low,
            self.high,
            self.unit,
            self.method,
            ref,
            self.sources,
            self.note,
            spread=self.range,
            scope=self.scope,
        )

    def as_dict(self) -> dict[str, Any]:
        _finite(self.name, self.value, self.low, self.high)
        body: dict[str, Any] = {
            "value": exact(self.value),
            "low": exact(self.low),
            "high": exact(self.high),
            "unit": self.unit,
            "method": self.method,
            "path": self.path,
            "formula": self.formula,
            "inputs": [i.as_dict() for i in self.inputs],
            "sources": list(self.sources),
            "note": self.note,
            "confidence": self.confidence,
        }
        if self.method == "estimated":
            hull_low, hull_high = self.hull
            _finite(self.name, hull_low, hull_high)
            body["interval"] = INTERVAL_NAME
            body["hull"] = {"low": hull_low, "high": hull_high}
        if self.scope is not None:
            body["scope"] = self.scope
        if self.estimate is not None:
            body["estimate"] = self.estimate.as_dict()
        if self.holdout is not None:
            _finite(self.name, self.holdout.value, self.holdout.low, self.holdout.high)
            body["holdout"] = {
                "value": self.holdout.value,
                "low": self.holdout.low,
                "high": self.holdout.high,
                "path": self.holdout.path,
            }
        return body


@dataclass(frozen=True)
class CrossCheck:
    """A disagreement worth a contributor's look; becomes a validation warning on the model's file."""

    code: str
    pointer: tuple[str | int, ...]
    message: str


@dataclass(frozen=True)
class Derived:
    """Everything derived for one model; `missing` says why each absent metric could not be derived."""

    model_id: str
    metrics: Mapping[str, Metric]
    missing: Mapping[str, str]
    checks: tuple[CrossCheck, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)


class Context:
    """What deriving one model needs from the rest of the registry."""

    def __init__(
        self,
        assumptions: Mapping[str, Assumption],
        hardware: Mapping[str, Hardware],
        grids: Mapping[str, Grid],
        organizations: Mapping[str, Organization] | None = None,
        operators: Mapping[str, Operator] | None = None,
        organization_kinds: Mapping[str, Mapping[str, str]] | None = None,
        fleet: Mapping[str, tuple[int, ...]] | None = None,
    ) -> None:
        self.assumptions = assumptions
        self.hardware = hardware
        self.grids = grids
        self.organizations = organizations or {}
        self.operators = operators or {}
        self.organization_kinds = organization_kinds or {}
        self.fleet = fleet or {}
        self.operator_of = {org: op for op in self.operators.values() for org in op.organizations}
        self.cloud_of = {cloud.lower(): op for op in self.operators.values() for cloud in op.clouds}
        self._eras: dict[tuple[float, float, str | None], tuple[tuple[float, str, float], ...]] = {}
        self.era_weighted: dict[tuple[float, float, str | None], bool] = {}
        self._inputs: dict[tuple[str, str | None, str | None], Input] = {}
        self._mixtures: dict[tuple[str, int], tuple[float, float]] = {}
        self._era_inputs: dict[tuple[float, float, str | None], Input | None] = {}
        self._entries: dict[tuple[str, int], Intensity] = {}

    def assumption(self, key: str, name: str | None = None, rule: str | None = None) -> Input:
        """The assumption as an input with its distribution (the same object for every model asking alike)."""
        made = self._inputs.get((key, name, rule))
        if made is None:
            a = self.assumptions[key]
            make = Range.lognormal if a.distribution == "lognormal" else Range.triangular
            spread = make(f"assumption:{key}", a.value, a.low, a.high)
            made = self._inputs[(key, name, rule)] = Input(
                name or key, a.value, a.low, a.high, a.unit, "assumption", key, a.sources, a.description, rule, spread
            )
        return made

    def era_efficiencies(
        self, first: float, last: float, precision: str | None
    ) -> tuple[tuple[float, str, float], ...]:
        """(Peak FLOP/s per watt of TDP, id, weight) of the data-centre training accelerators of years `first` to
        `last`.

        They are the GPUs and TPUs that the registry's models trained in those years name as their accelerator, each
        weighted by how many of those models name it; when none does, every GPU and TPU released in those years,
        weighted alike. At the training's precision or the first the accelerator has; found once for every model of
        that window."""
        key = (first, last, precision)
        found = self._eras.get(key)
        if found is None:
            used = {hw_id: sum(first <= y <= last for y in years) for hw_id, years in self.fleet.items()}
            chips = [
                (hw, float(used.get(hw.id, 0)))
                for hw in self.hardware.values()
                if hw.kind in ("gpu", "tpu") and hw.tdp_w is not None and used.get(hw.id, 0)
            ]
            self.era_weighted[key] = bool(chips)
            if not chips:
                chips = [
                    (hw, 1.0)
                    for hw in self.hardware.values()
                    if hw.kind in ("gpu", "tpu")
                    and hw.released
                    and hw.tdp_w is not None
                    and first <= int(hw.released[:4]) <= last
                ]
            found = self._eras[key] = tuple(
                (peak[1].value / hw.tdp_w.value, hw.id, weight)
                for hw, weight in chips
                if hw.tdp_w is not None and (peak := peak_flops(hw, precision))
            )
        return found

    def era_input(self, first: int, last: int, precision: str | None) -> Input | None:
        """The FLOP per joule of the hardware of years `first` to `last` as an input: weighted median, 5th-95th
        percentiles."""
        key = (first, last, precision)
        if key in self._era_inputs:
            return self._era_inputs[key]
        chips = self.era_efficiencies(first, last, precision)
        made = None
        if chips:
            p5, p50, p95 = weighted_percentiles([(e, w) for e, _, w in chips])
            rule = (
                f"the data-centre accelerators that the registry's models trained {first}-{last} name, weighted by "
                "how many "
                "name each"
                if self.era_weighted[key]
                else f"every GPU and TPU released {first}-{last}, alike (no model names one)"
            )
            values = [e for e, _, _ in chips]
            spread = Range.lognormal(f"era:{first}-{last}:{precision}", p50, p5, p95, (min(values), max(values)))
            made = Input(
                "flop_per_joule_at_tdp",
                p50,
                p5,
                p95,
                "FLOP/J",
                "hardware",
                ", ".join(sorted(h for _, h, _ in chips)),
                note=f"weighted median and 5th-95th percentiles of peak FLOP/s / TDP over {len(values)} accelerators "
                f"(extremes {min(values):.3g}-{max(values):.3g})",
                rule=rule,
                spread=spread,
            )
        self._era_inputs[key] = made
        return made

    def year_entry(self, grid: Grid, year: int) -> Intensity:
        """The grid's intensity for `year`, else the nearest year (the later of two as near), found once per grid and
        year."""
        key = (grid.id, year)
        found = self._entries.get(key)
        if found is None:
            found = self._entries[key] = min(grid.intensity, key=lambda i: (abs(i.year - year), -i.year))
        return found

    def organization_grid(self, grid: Grid, entry: Intensity) -> tuple[float, float]:
        """5th and 95th percentiles of the intensity of a run by an organization of this grid's country, trained
        there with the assumed probability and anywhere in the world otherwise (a mixture of the country's and the
        world's spreads)."""
        key = (grid.id, entry.year)
        found = self._mixtures.get(key)
        if found is None:
            share = self.assumptions["grid_share_in_organization_country"].value
            world = self.assumptions["world_grid_intensity_g_per_kwh"]
            country = Range.lognormal(
                "country", entry.g_per_kwh, entry.low or entry.g_per_kwh, entry.high or entry.g_per_kwh
            )
            if grid.kind == "country":
                country = country * self.assumption("grid_within_country_factor").spread_range
            merged = Range.lognormal("country", country.value, country.low, country.high)
            found = self._mixtures[key] = _mixture_percentiles(share, merged, world)
        return found


def _lognormal_cdf(r: Range, x: float) -> float:
    """P(X <= x) for a split log-normal with median r.value and the spreads of its one term (a step where it has
    none)."""
    down, up = (r.terms[0][2], r.terms[0][3]) if r.terms else (0.0, 0.0)
    z = log(x / r.value)
    sigma = down if z < 0 else up
    if sigma == 0:
        return 0.0 if z < 0 else 1.0
    return 0.5 * (1 + erf(z / sigma / sqrt(2)))


def _triangular_cdf(a: Assumption, x: float) -> float:
    low, mode, high = a.low, a.value, a.high
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    if x <= mode:
        return (x - low) ** 2 / ((high - low) * (mode - low))
    return 1 - (high - x) ** 2 / ((high - low) * (high - mode))


def _mixture_percentiles(share: float, country: Range, world: Assumption) -> tuple[float, float]:
    """The 5th and 95th percentiles of share x the country's distribution + (1 - share) x the world's, by bisection."""

    def quantile(p: float) -> float:
        lo, hi = min(country.low, world.low) / 2, max(country.high, world.high) * 2
        for _ in range(60):
            mid = (lo + hi) / 2
            if share * _lognormal_cdf(country, mid) + (1 - share) * _triangular_cdf(world, mid) < p:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    return min(quantile(0.05), country.value), max(quantile(0.95), country.value)


def weighted_percentiles(values: list[tuple[float, float]]) -> tuple[float, float, float]:
    """The weighted 5th, 50th and 95th percentiles of (value, weight) pairs (the value where the cumulative weight
    passes)."""
    ordered = sorted(values)
    total = sum(w for _, w in ordered)
    out = []
    for p in (0.05, 0.5, 0.95):
        seen = 0.0
        for v, w in ordered:
            seen += w
            if seen >= p * total:
                out.append(v)
                break
    return out[0], out[1], out[2]


def peak_flops(hw: Hardware, precision: str | None) -> tuple[str, Figure] | None:
    """The accelerator's peak FLOP/s at `precision`, else at the first precision it publishes in PRECISION_ORDER."""
    for each in ((precision,) if precision else ()) + PRECISION_ORDER:
        if each in hw.peak_flops:
            return each, hw.peak_flops[each]
    return None


def reported(name: str, fig: Figure) -> Metric:
    """A figure read in a source, its method saying who stands behind it (the developer, its estimate, or a third
    party)."""
    low, high = fig.bounds
    path, formula = SOURCED_PATHS[fig.provenance]
    unit = catalogue.metric(name).unit
    differs = (
        f"far from the registry's independent estimate: {fig.differs_from_estimate}"
        if fig.differs_from_estimate
        else None
    )
    note = "; ".join(x for x in (fig.note, differs) if x) or None
    return Metric(
        name,
        fig.value,
        low,
        high,
        unit,
        fig.provenance,
        path,
        formula,
        (),
        fig.sources,
        note,
        confidence=fig.confidence,
        scope=fig.scope,
        differs=fig.differs_from_estimate,
    )


def figure_input(name: str, fig: Figure, unit: str, ref: str = "entry", rule: str | None = None) -> Input:
    """An entry's figure as a formula input; its origin is the figure's provenance, so an estimate built on a guess
    says so."""
    low, high = fig.bounds
    return Input(name, fig.value, low, high, unit, fig.provenance, ref, fig.sources, fig.note, rule, scope=fig.scope)


def estimated(
    name: str, r: Range, path: str, formula: str, inputs: tuple[Input, ...], note: str | None = None
) -> Metric:
    unit = catalogue.metric(name).unit
    return Metric(name, r.value, r.low, r.high, unit, "estimated", path, formula, inputs, (), note, spread=r)


def grid_input(
    grid: Grid, entry: Intensity, low: float, high: float, note: str | None, rule: str, spread: Range | None = None
) -> Input:
    """A grid record's intensity for a year as a formula input, with the rule that chose the grid."""
    return Input(
        "grid_intensity", entry.g_per_kwh, low, high, "gCO2e/kWh", "grid", grid.id, entry.sources, note, rule, spread
    )


def rng(i: Input) -> Range:
    """The input's distribution: propagated (an estimated input), an assumption's, or its low-high as a 90% interval."""
    if i.spread is not None:
        return i.spread
    return Range.lognormal(f"{i.origin}:{i.ref}:{i.name}", i.value, i.low, i.high)


def _less_pue(power: tuple[Input, ...]) -> str:
    """The formula's words for a published power that includes PUE (ModelDerivation.power)."""
    return " / PUE (the published power includes it)" if any(p.name == "1 / pue" for p in power) else ""


def training_year(model: Model) -> int | None:
    for date in (model.training.ended, model.training.started, model.released):
        if date:
            return int(date[:4])
    return None


class ModelDerivation:
    """Derives one model's metrics once each, in dependency order, remembering why any is missing."""

    def __init__(self, model: Model, ctx: Context) -> None:
        self.model = model
        self.t = model.training
        self.ctx = ctx
        self.year = training_year(model)
        self.hw = ctx.hardware.get(self.t.accelerator) if self.t.accelerator else None
        self.missing: dict[str, str] = {}
        self._done: dict[str, Metric | None] = {}

    def get(self, name: str) -> Metric | None:
        if name not in self._done:
            self._done[name] = getattr(self, f"_{name}")()
        return self._done[name]

    def _choose(self, name: str, fig: Figure | None, paths: list[Callable[[], Metric | str]]) -> Metric | None:
        """The reported figure with the first independent estimate beside it, else the first estimate that works."""
        reasons: list[str] = []
        estimates: list[Metric] = []
        for path in paths:
            result = self._scoped(path())
            if isinstance(result, Metric):
                estimates.append(result)
                break
            reasons.append(result)
        if fig is not None:
            figure_metric = replace(reported(name, fig), scope=fig.scope)
            if estimates and estimates[0].scope != fig.scope:
                said = {None: f"the record's scope ({self.t.scope or 'not stated'})"}
                note = (
                    f"no independent estimate beside it: the figure covers {fig.scope or said[None]}, the other "
                    "published "
                    f"figures {estimates[0].scope or said[None]}"
                )
                return replace(figure_metric, note="; ".join(x for x in (fig.note, note) if x))
            return replace(figure_metric, estimate=estimates[0] if estimates else None)
        if estimates:
            return estimates[0]
        self.missing[name] = "; ".join(reasons) if reasons else "not reported"
        return None

    @staticmethod
    def _scoped(result: Metric | str) -> Metric | str:
        """An estimate whose inputs all share one scope, carrying it; never one that combines figures of different
        scopes."""
        if isinstance(result, str):
            return result
        scopes = {
            i.scope
            for i in result.inputs
            if i.origin == "estimated" or (i.ref in ("entry", "") and i.origin != "assumption")
        }
        if len(scopes) > 1:
            named = ", ".join(sorted(s or "the record's scope" for s in scopes))
            return f"{result.path}: its inputs cover different scopes ({named}) and are never combined"
        return replace(result, scope=scopes.pop()) if scopes and None not in scopes else result

    def _accelerator_hours(self) -> Metric | None:
        return self._choose("accelerator_hours", self.t.accelerator_hours, [self._hours_from_count])

    def _hours_from_count(self) -> Metric | str:
        count, duration = self.t.accelerator_count, self.t.duration_hours
        if count is None or duration is None:
            return "no accelerator-hours, and not both accelerator count and duration"
        inputs = (
            figure_input("accelerator_count", count, "accelerators"),
            figure_input("duration_hours", duration, "h"),
        )
        return estimated(
            "accelerator_hours",
            rng(inputs[0]) * rng(inputs[1]),
            "count x duration",
            "accelerator_count x duration_hours",
            inputs,
        )

    def _compute_flop(self) -> Metric | None:
        return self._choose("compute_flop", self.t.compute_flop, [self._compute_6nd, self._compute_hardware])

    def _compute_6nd(self) -> Metric | str:
        params = self.model.active_parameters or self.model.parameters
        tokens = self.t.tokens
        if params is None or tokens is None:
            return "not both parameters and training tokens"
        if self.model.active_parameters is None and self.model.mixture_of_experts:
            return (
                "mixture-of-experts without a published count of active parameters: 6 x total parameters x tokens "
                "would "
                "count every expert for every token"
            )
        which = "active_parameters" if self.model.active_parameters else "parameters"
        inputs = (figure_input(which, params, "parameters"), figure_input("tokens", tokens, "tokens"))
        moe = " (active parameters per token: mixture-of-experts)" if which == "active_parameters" else ""
        return estimated(
            "compute_flop",
            rng(inputs[0]) * rng(inputs[1]) * FLOP_PER_PARAMETER_TOKEN,
            "6ND",
            f"6 x {which} x tokens{moe}",
            inputs,
        )

    def _peak(self, hw: Hardware) -> tuple[str, Figure] | None:
        return peak_flops(hw, self.t.precision)

    def _utilization(self) -> Input:
        if self.t.utilization is not None:
            return figure_input("utilization", self.t.utilization, "ratio")
        return self.ctx.assumption("utilization")

    def _compute_hardware(self) -> Metric | str:
        hours = self.get("accelerator_hours")
        if hours is None:
            return "no accelerator-hours for the hardware path"
        if self.hw is None:
            return "no accelerator named for the hardware path"
        peak = self._peak(self.hw)
        if peak is None:
            return f"hardware {self.hw.id} has no peak FLOP/s"
        precision, fig = peak
        util = self._utilization()
        inputs = (hours.as_input(), figure_input(f"peak_flops.{precision}", fig, "FLOP/s", self.hw.id), util)
        r = hours.range * SECONDS_PER_HOUR * rng(inputs[1]) * rng(util)
        return estimated(
            "compute_flop",
            r,
            "hardware",
            f"accelerator_hours x 3600 s/h x peak {precision} FLOP/s x utilization",
            inputs,
        )

    def _pue_divisor(self) -> Input:
        """The run's PUE as the divisor that takes it out of a power published with PUE included."""
        pue = self.pue()
        r = Range.exact(1.0) / rng(pue)
        return Input(
            "1 / pue",
            r.value,
            r.low,
            r.high,
            "ratio",
            pue.origin,
            pue.ref,
            pue.sources,
            pue.note,
            f"the published power includes PUE: divided by the run's PUE ({pue.rule or pue.ref})",
            r,
            pue.scope,
        )

    def pue(self) -> Input:
        """The run's PUE: published; else its data centre's; else its operator's published fleet PUE; else by kind."""
        if self.t.pue is not None:
            return figure_input("pue", self.t.pue, "ratio", rule="published for this run")
        grid = self.ctx.grids.get(self.t.location.grid or "") if self.t.location.grid else None
        if grid is not None and grid.pue is not None:
            return figure_input(
                "pue", grid.pue, "ratio", grid.id, rule=f"published for the data centre or region {grid.id}"
            )
        kind = self.t.location.operator_type
        if kind:
            key = {"hyperscale": "pue_hyperscale", "cloud": "pue_hyperscale", "on-premises": "pue_onprem"}.get(
                kind, "pue_default"
            )
            return self.ctx.assumption(key, "pue", f"operator type '{kind}' stated in the entry")
        cloud = self.ctx.cloud_of.get((self.t.location.cloud or "").lower())
        if cloud is not None:
            return self.ctx.assumption(
                cloud.pue, "pue", f"trained in {cloud.name} (cloud named in the entry): its fleet PUE"
            )
        for org in self.model.organizations:
            op = self.ctx.operator_of.get(org)
            if op is not None:
                return self.ctx.assumption(
                    op.pue, "pue", f"trained by {org}, in {op.name} data centres: their fleet PUE"
                )
        for org in self.model.organizations:
            known = self.ctx.organizations.get(org)
            by_kind = self.ctx.organization_kinds.get(known.kind or "") if known is not None else None
            if by_kind is not None and known is not None:
                return self.ctx.assumption(by_kind["pue"], "pue", f"trained by {org}, a {known.kind} organization")
        return self.ctx.assumption("pue_default", "pue", "operator unknown: the industry average")

    def power(self, hw: Hardware | None) -> tuple[Input, ...] | str:
        """Average power per accelerator: published for the run, measured for the chip, or TDP x the share for its
        kind.

        A published power that already includes the data centre's overhead (includes_pue) comes divided by the run's
        PUE, so that IT energy x PUE gives back the published power exactly, the PUE counted once (its term cancels)."""
        if self.t.average_power_w is not None and hw is self.hw:
            fig = self.t.average_power_w
            if fig.includes_pue:
                published = figure_input(
                    "average_power_w", fig, "W", rule="published for this run, PUE included (includes_pue)"
                )
                return published, self._pue_divisor()
            return (figure_input("average_power_w", fig, "W", rule="published for this run"),)
        if hw is not None and hw.system_power_w is not None:
            return (
                figure_input(
                    "system_power_w",
                    hw.system_power_w,
                    "W",
                    hw.id,
                    rule=f"measured system power per {hw.name} chip, published by its operator",
                ),
            )
        if hw is None or hw.tdp_w is None:
            return "no average power and no accelerator TDP"
        key = {"gpu": "power_share_of_tdp_gpu", "tpu": "power_share_of_tdp_tpu"}.get(hw.kind, "power_share_of_tdp")
        share = self.ctx.assumption(
            key,
            "power_share_of_tdp",
            f"accelerator kind '{hw.kind}'"
            if key != "power_share_of_tdp"
            else f"accelerator kind '{hw.kind}' has no share of its own",
        )
        return (figure_input("tdp_w", hw.tdp_w, "W", hw.id), share)

    def _it_energy_mwh(self) -> Metric | None:
        paths = (
            [self._it_from_facility, self._it_from_hours, self._it_from_compute, self._it_from_era]
            if self.t.it_energy_mwh is None
            else [self._it_from_hours, self._it_from_compute, self._it_from_era]
        )
        return self._choose("it_energy_mwh", self.t.it_energy_mwh, paths)

    def _it_from_facility(self) -> Metric | str:
        if self.t.energy_mwh is None:
            return "no facility energy reported"
        energy, pue = figure_input("energy_mwh", self.t.energy_mwh, "MWh"), self.pue()
        return estimated("it_energy_mwh", rng(energy) / rng(pue), "energy / PUE", "energy_mwh / PUE", (energy, pue))

    def _it_from_hours(self) -> Metric | str:
        hours = self.get("accelerator_hours")
        if hours is None:
            return self.missing.get("accelerator_hours", "no accelerator-hours")
        power = self.power(self.hw)
        if isinstance(power, str):
            return power
        r = hours.range
        for p in power:
            r = r * rng(p)
        return estimated(
            "it_energy_mwh",
            r / WATT_HOURS_PER_MWH,
            "hours x power",
            f"accelerator_hours x average power per accelerator (W){_less_pue(power)} / 1,000,000",
            (hours.as_input(), *power),
        )

    def _compute_input(self) -> Metric | None:
        return self.get("compute_flop")

    def _it_from_compute(self) -> Metric | str:
        compute = self._compute_input()
        if compute is None or self.hw is None:
            return "no compute with a named accelerator"
        peak = self._peak(self.hw)
        power = self.power(self.hw)
        if peak is None or isinstance(power, str):
            return f"hardware {self.hw.id} lacks peak FLOP/s or TDP"
        precision, fig = peak
        util = self._utilization()
        peak_in = figure_input(f"peak_flops.{precision}", fig, "FLOP/s", self.hw.id)
        r = compute.range / (rng(peak_in) * rng(util))
        for p in power:
            r = r * rng(p)
        return estimated(
            "it_energy_mwh",
            r / JOULES_PER_MWH,
            "compute / efficiency",
            f"compute_flop / (peak {precision} FLOP/s x utilization) x power per accelerator (W){_less_pue(power)} "
            "/ 3.6e9 J/MWh",
            (compute.as_input(), peak_in, util, *power),
        )

    def _it_from_era(self) -> Metric | str:
        compute = self._compute_input()
        if compute is None:
            return "no accelerator-hours and no compute"
        if self.year is None:
            return "no training or release year to pick the hardware of the time"
        window = self.ctx.assumption("hardware_current_years")
        first = self.year - int(window.value)
        eff = self.ctx.era_input(first, self.year, self.t.precision)
        if eff is None:
            return f"no accelerator in the hardware registry released in the {window.value:g} years up to {self.year}"
        util = self._utilization()
        share = self.ctx.assumption("power_share_of_tdp", rule="accelerator unknown: the share over GPUs and TPUs")
        r = compute.range / (rng(eff) * rng(util)) * rng(share)
        return estimated(
            "it_energy_mwh",
            r / JOULES_PER_MWH,
            "compute / hardware of the era",
            "compute_flop / (FLOP per joule at TDP x utilization) x share of TDP drawn / 3.6e9 J/MWh",
            (compute.as_input(), eff, util, share, window),
            note="hardware unknown: the range spans the accelerators of the training years",
        )

    def _energy_mwh(self) -> Metric | None:
        return self._choose("energy_mwh", self.t.energy_mwh, [self._energy_from_it])

    def _energy_from_it(self) -> Metric | str:
        it = self.get("it_energy_mwh") if self.t.energy_mwh is None else self._independent_it()
        if it is None:
            return self.missing.get("it_energy_mwh", "no IT energy")
        pue = self.pue()
        return estimated(
            "energy_mwh", it.range * rng(pue), "IT energy x PUE", "it_energy_mwh x PUE", (it.as_input(), pue)
        )

    def _independent_it(self) -> Metric | None:
        """IT energy from hardware and time only, to check a reported facility energy against."""
        for path in (self._it_from_hours, self._it_from_compute, self._it_from_era):
            result = path()
            if isinstance(result, Metric):
                return result
        return None

    def _carbon_intensity_g_per_kwh(self) -> Metric | None:
        return self._choose(
            "carbon_intensity_g_per_kwh",
            self.t.carbon_intensity_g_per_kwh,
            [self._intensity_from_grid, self._intensity_from_organization, self._intensity_world],
        )

    def _grid(self) -> Grid | None:
        loc = self.t.location
        if loc.grid:
            return self.ctx.grids.get(loc.grid)
        return self.ctx.grids.get(loc.country.lower()) if loc.country else None

    def _year_entry(self, grid: Grid) -> tuple[Intensity, str]:
        """The grid's intensity for the run's year, else the nearest year (the later of two as near)."""
        year = self.year or grid.intensity[-1].year
        entry = self.ctx.year_entry(grid, year)
        return entry, (f"{entry.year}" if entry.year == year else f"{entry.year}, the nearest year to {year}")

    def _intensity_from_grid(self) -> Metric | str:
        grid = self._grid()
        if grid is None:
            return "no grid or country for the training location"
        entry, said = self._year_entry(grid)
        low = entry.low if entry.low is not None else entry.g_per_kwh
        high = entry.high if entry.high is not None else entry.g_per_kwh
        which = "grid or cloud region" if self.t.location.grid else "country"
        source = grid_input(grid, entry, low, high, entry.note, f"training location's {which} named in the entry")
        if grid.kind != "country":
            return estimated(
                "carbon_intensity_g_per_kwh", rng(source), "grid", f"grid record {grid.id} for {said}", (source,)
            )
        within = self.ctx.assumption(
            "grid_within_country_factor", rule="a country's average stands for a data centre's grid"
        )
        return estimated(
            "carbon_intensity_g_per_kwh",
            rng(source) * rng(within),
            "grid",
            f"grid record {grid.id} for {said} x a data centre's grid / its country's average",
            (source, within),
        )

    def _intensity_from_organization(self) -> Metric | str:
        for org in self.model.organizations:
            known = self.ctx.organizations.get(org)
            grid = self.ctx.grids.get(known.country.lower()) if known is not None and known.country else None
            if grid is None or not grid.intensity:
                continue
            entry, said = self._year_entry(grid)
            low, high = self.ctx.organization_grid(grid, entry)
            world = self.ctx.assumptions["world_grid_intensity_g_per_kwh"]
            share = self.ctx.assumptions["grid_share_in_organization_country"]
            spread = Range.lognormal(
                f"grid:{grid.id}:organization",
                entry.g_per_kwh,
                low,
                high,
                (min(low, world.low, entry.low or low), max(high, world.high, entry.high or high)),
            )
            note = (
                f"{grid.name} for {said}; the range allows a {1 - share.value:.0%} chance that the run was elsewhere "
                "in the world (assumption grid_share_in_organization_country)"
            )
            source = grid_input(
                grid, entry, low, high, note, f"training location unknown: the country of {org}", spread
            )
            return estimated(
                "carbon_intensity_g_per_kwh",
                spread,
                "organization's country",
                f"grid record {grid.id} for {said}, widened for runs elsewhere",
                (source,),
            )
        return "no organization with a known country and grid"

    def _intensity_world(self) -> Metric | str:
        world = self.ctx.assumption(
            "world_grid_intensity_g_per_kwh", rule="training location and organization's country unknown"
        )
        return estimated(
            "carbon_intensity_g_per_kwh",
            rng(world),
            "world average",
            "world-average grid intensity (training location unknown)",
            (world,),
        )

    def _emissions_tco2e(self) -> Metric | None:
        return self._choose("emissions_tco2e", self.t.emissions_tco2e, [self._emissions_from_energy])

    def _emissions_from_energy(self) -> Metric | str:
        energy = self.get("energy_mwh")
        if energy is None:
            return self.missing.get("energy_mwh", "no energy")
        intensity = self.get("carbon_intensity_g_per_kwh")
        if intensity is None:
            return "no carbon intensity"
        return estimated(
            "emissions_tco2e",
            energy.range * intensity.range / 1000,
            "energy x intensity",
            "energy_mwh x carbon_intensity_g_per_kwh / 1000",
            (energy.as_input(), intensity.as_input()),
        )

    def _water_m3(self) -> Metric | None:
        return self._choose("water_m3", self.t.water_m3, [self._water_from_energy])

    def _water_intensity(self, own: Figure | None, grid_field: str, key: str, name: str) -> Input | str:
        grid = self._grid()
        grid_figure = getattr(grid, grid_field) if grid is not None else None
        if own is not None:
            return figure_input(name, own, "L/kWh")
        if grid is not None and grid_figure is not None:
            return figure_input(name, grid_figure, "L/kWh", grid.id)
        if key not in self.ctx.assumptions:
            return f"no {name} for the site and no default in assumptions"
        return self.ctx.assumption(key, name)

    def _water_from_energy(self) -> Metric | str:
        """On-site cooling water (IT energy x WUE) plus off-site water to generate the electricity (energy x grid
        water intensity).

        Beside a reported figure whose scope is only one of the two, the estimate covers the same scope.
        """
        it, energy = self.get("it_energy_mwh"), self.get("energy_mwh")
        if it is None or energy is None:
            return self.missing.get("energy_mwh", "no energy")
        scope = (
            set(self.t.water_scope)
            if self.t.water_m3 is not None and self.t.water_scope
            else {"water-on-site", "water-off-site"}
        )
        parts: list[tuple[Metric, Input]] = []
        if "water-on-site" in scope:
            wue = self._water_intensity(self.t.wue_l_per_kwh, "wue_l_per_kwh", "wue_default_l_per_kwh", "wue_l_per_kwh")
            if isinstance(wue, str):
                return wue
            parts.append((it, wue))
        if "water-off-site" in scope:
            ewif = self._water_intensity(
                None, "water_l_per_kwh", "electricity_water_intensity_l_per_kwh", "electricity_water_l_per_kwh"
            )
            if isinstance(ewif, str):
                return ewif
            parts.append((energy, ewif))
        products = [m.range * rng(i) for m, i in parts]
        r = products[0] if len(products) == 1 else products[0].plus(products[1])
        terms = {
            "water-on-site": "it_energy_mwh x WUE (L/kWh)",
            "water-off-site": "energy_mwh x electricity water intensity (L/kWh)",
        }
        named = [terms[k] for k in ("water-on-site", "water-off-site") if k in scope]
        path = " + ".join(k.removeprefix("water-") for k in ("water-on-site", "water-off-site") if k in scope)
        inputs = tuple(x for m, i in parts for x in (m.as_input(), i))
        return estimated("water_m3", r, path, " + ".join(named), inputs, note=f"scope: {', '.join(sorted(scope))}")

    def _emissions_market_tco2e(self) -> Metric | None:
        if self.t.emissions_market_tco2e is None:
            self.missing["emissions_market_tco2e"] = "market-based emissions are only ever reported, not estimated"
            return None
        return reported("emissions_market_tco2e", self.t.emissions_market_tco2e)


def apart(figure: Metric, estimate: Metric) -> float:
    """How many times apart a sourced figure's range and its independent estimate's 90% interval lie (1 when they
    overlap)."""
    return max(figure.low / estimate.high, estimate.low / figure.high, 1.0)


def cross_checks(model: Model, metrics: Mapping[str, Metric], ctx: Context) -> tuple[CrossCheck, ...]:
    """Reported figures far from their independent estimate, facility energy that looks like IT energy, 6ND vs
    hardware."""
    factor = ctx.assumptions["cross_check_factor"].value
    found: list[CrossCheck] = []
    for name, metric in metrics.items():
        est = metric.estimate
        if metric.sourced and est is not None and metric.differs is None and apart(metric, est) > factor:
            found.append(
                CrossCheck(
                    "cross-check",
                    ("training", name),
                    f"the sourced {name} ({metric.value:.4g}, {metric.method}) is {metric.value / est.value:.2g} times "
                    f"the independent estimate ({est.value:.4g} by {est.path}; 90% interval {est.low:.3g}-"
                    f"{est.high:.3g}): check the figure, its unit and what it includes, or say why in the "
                    "figure's differs_from_estimate",
                )
            )
    energy = metrics.get("energy_mwh")
    if energy is not None and energy.sourced and energy.estimate is not None:
        it = energy.estimate.inputs[0]
        pue = energy.estimate.inputs[1]
        if pue.value > 1.02 and abs(energy.value / it.value - 1) < 0.02:
            found.append(
                CrossCheck(
                    "energy-without-pue",
                    ("training", "energy_mwh"),
                    f"energy_mwh ({energy.value:.4g}) equals accelerator energy before PUE ({it.value:.4g}): "
                    "if the source excludes PUE, write it as it_energy_mwh",
                )
            )
    compute = metrics.get("compute_flop")
    derivation = ModelDerivation(model, ctx)
    six, hw = derivation._compute_6nd(), derivation._compute_hardware()
    if compute is not None and isinstance(six, Metric) and isinstance(hw, Metric) and apart(hw, six) > factor:
        found.append(
            CrossCheck(
                "compute-paths",
                ("training",),
                f"compute from hardware ({hw.value:.3g} FLOP; 90% interval {hw.low:.3g}-{hw.high:.3g}) and from 6 x "
                f"parameters x tokens ({six.value:.3g} FLOP; {six.low:.3g}-{six.high:.3g}) lie more than {factor:g}x "
                "apart: check accelerator-hours, hardware and tokens",
            )
        )
    return tuple(found)


HOLDOUT_METRICS = ("it_energy_mwh", "energy_mwh", "emissions_tco2e")
WITHHELD = (
    "it_energy_mwh",
    "energy_mwh",
    "emissions_tco2e",
    "emissions_market_tco2e",
    "average_power_w",
    "pue",
    "carbon_intensity_g_per_kwh",
    "water_m3",
    "wue_l_per_kwh",
    "embodied_tco2e",
)


def holdout_model(model: Model) -> Model:
    """The model as if it had published none of its energy, emissions, power, PUE, intensity or location: only its
    parameters, tokens, compute, hardware, dates and organization (the registry's evidence that its ranges mean
    something)."""
    withheld: dict[str, Any] = dict.fromkeys(WITHHELD)
    return replace(model, training=replace(model.training, location=Location(), water_scope=(), **withheld))


# A published figure of these scopes covers more than the run the holdout estimates (development runs, or a base model's
# pretraining beside a fine-tune): it has no holdout, so the calibration compares only like with like.
BEYOND_ONE_RUN = ("with-experiments", "with-base-model")


def derive(model: Model, ctx: Context) -> Derived:
    """All training metrics of one model, each reported or estimated, and why the others are missing; beside each
    energy or emissions figure the developer published (a third party's estimate is no measurement to calibrate
    against), the holdout: what the registry would estimate had the model published none of them."""
    d = ModelDerivation(model, ctx)
    metrics = {name: m for name in TRAINING_METRICS if (m := d.get(name)) is not None}
    intensity = metrics.get("carbon_intensity_g_per_kwh")
    if intensity is not None and intensity.method == "estimated" and "energy_mwh" not in metrics:
        del metrics["carbon_intensity_g_per_kwh"]
        d.missing["carbon_intensity_g_per_kwh"] = "not estimated while the energy is unknown: it would estimate nothing"
    reported_here = [
        name
        for name in HOLDOUT_METRICS
        if name in metrics
        and metrics[name].method in DEVELOPER_PROVENANCE
        and (metrics[name].scope or model.training.scope) not in BEYOND_ONE_RUN
    ]
    if reported_here:
        blind = ModelDerivation(holdout_model(model), ctx)
        for name in reported_here:
            estimate = blind.get(name)
            if estimate is not None:
                metrics[name] = replace(metrics[name], holdout=estimate)
    return Derived(model.id, metrics, dict(d.missing), cross_checks(model, metrics, ctx))
