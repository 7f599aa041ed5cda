"""Derived figures for one model: each reported or estimated, with formula, inputs, sources and a range (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from math import isfinite
from statistics import median
from typing import Any

from builder.formatting import exact
from builder.ranges import Range
from builder.records import Assumption, Figure, Grid, Hardware, Model

PRECISION_ORDER = ("bf16", "fp16", "tf32", "fp32")
SECONDS_PER_HOUR = 3600
JOULES_PER_MWH = 3.6e9
WATT_HOURS_PER_MWH = 1e6
FLOP_PER_PARAMETER_TOKEN = 6
BYTES_PER_GB = 1e9

TRAINING_METRICS = ("accelerator_hours", "compute_flop", "it_energy_mwh", "energy_mwh", "carbon_intensity_g_per_kwh",
                    "emissions_tco2e", "emissions_market_tco2e", "water_m3")
UNITS = {"accelerator_hours": "h", "compute_flop": "FLOP", "it_energy_mwh": "MWh", "energy_mwh": "MWh",
         "carbon_intensity_g_per_kwh": "gCO2e/kWh", "emissions_tco2e": "tCO2e", "emissions_market_tco2e": "tCO2e",
         "water_m3": "m3"}


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

    def as_dict(self) -> dict[str, Any]:
        _finite(self.name, self.value, self.low, self.high)
        return {"name": self.name, "value": exact(self.value), "low": exact(self.low), "high": exact(self.high), "unit": self.unit,
                "origin": self.origin, "ref": self.ref, "sources": list(self.sources), "note": self.note}


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

    @property
    def range(self) -> Range:
        return Range(self.value, self.low, self.high)

    def as_input(self, name: str | None = None) -> Input:
        ref = self.path if self.method == "estimated" else ""
        return Input(name or self.name, self.value, self.low, self.high, self.unit, self.method, ref, self.sources, self.note)

    def as_dict(self) -> dict[str, Any]:
        _finite(self.name, self.value, self.low, self.high)
        body: dict[str, Any] = {"value": exact(self.value), "low": exact(self.low), "high": exact(self.high), "unit": self.unit, "method": self.method,
                "path": self.path, "formula": self.formula, "inputs": [i.as_dict() for i in self.inputs],
                "sources": list(self.sources), "note": self.note}
        if self.estimate is not None:
            body["estimate"] = self.estimate.as_dict()
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

    def __init__(self, assumptions: Mapping[str, Assumption], hardware: Mapping[str, Hardware], grids: Mapping[str, Grid]) -> None:
        self.assumptions = assumptions
        self.hardware = hardware
        self.grids = grids
        self._eras: dict[tuple[float, float, str | None], tuple[tuple[float, str], ...]] = {}

    def assumption(self, key: str, name: str | None = None) -> Input:
        a = self.assumptions[key]
        return Input(name or key, a.value, a.low, a.high, a.unit, "assumption", key, a.sources, a.description)

    def era_efficiencies(self, first: float, last: float, precision: str | None) -> tuple[tuple[float, str], ...]:
        """(Peak FLOP/s per watt of TDP, id) of every GPU and TPU released from year `first` to `last`, at the training's precision
        or the first the accelerator has: the same for every model of that year and precision, so found once for them all."""
        key = (first, last, precision)
        found = self._eras.get(key)
        if found is None:
            found = self._eras[key] = tuple(
                (peak[1].value / hw.tdp_w.value, hw.id) for hw in self.hardware.values()
                if hw.kind in ("gpu", "tpu") and hw.released and hw.tdp_w is not None and first <= int(hw.released[:4]) <= last
                and (peak := peak_flops(hw, precision)))
        return found


def peak_flops(hw: Hardware, precision: str | None) -> tuple[str, Figure] | None:
    """The accelerator's peak FLOP/s at `precision`, else at the first precision it publishes in PRECISION_ORDER."""
    for each in ((precision,) if precision else ()) + PRECISION_ORDER:
        if each in hw.peak_flops:
            return each, hw.peak_flops[each]
    return None


def reported(name: str, fig: Figure, unit: str) -> Metric:
    low, high = fig.bounds
    path = "source's estimate" if fig.estimated else "reported"
    formula = "as estimated by the source (not a measurement)" if fig.estimated else "as published by the source"
    return Metric(name, fig.value, low, high, unit, "reported", path, formula, (), fig.sources, fig.note)


def figure_input(name: str, fig: Figure, unit: str, ref: str = "entry") -> Input:
    low, high = fig.bounds
    return Input(name, fig.value, low, high, unit, "reported", ref, fig.sources, fig.note)


def estimated(name: str, r: Range, path: str, formula: str, inputs: tuple[Input, ...], note: str | None = None) -> Metric:
    return Metric(name, r.value, r.low, r.high, UNITS.get(name, ""), "estimated", path, formula, inputs, (), note)


def rng(i: Input) -> Range:
    return Range(i.value, i.low, i.high)


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
            result = path()
            if isinstance(result, Metric):
                estimates.append(result)
                break
            reasons.append(result)
        if fig is not None:
            return replace(reported(name, fig, UNITS[name]), estimate=estimates[0] if estimates else None)
        if estimates:
            return estimates[0]
        self.missing[name] = "; ".join(reasons) if reasons else "not reported"
        return None

    def _accelerator_hours(self) -> Metric | None:
        return self._choose("accelerator_hours", self.t.accelerator_hours, [self._hours_from_count])

    def _hours_from_count(self) -> Metric | str:
        count, duration = self.t.accelerator_count, self.t.duration_hours
        if count is None or duration is None:
            return "no accelerator-hours, and not both accelerator count and duration"
        inputs = (figure_input("accelerator_count", count, "accelerators"), figure_input("duration_hours", duration, "h"))
        return estimated("accelerator_hours", rng(inputs[0]) * rng(inputs[1]), "count x duration",
                         "accelerator_count x duration_hours", inputs)

    def _compute_flop(self) -> Metric | None:
        return self._choose("compute_flop", self.t.compute_flop, [self._compute_6nd, self._compute_hardware])

    def _compute_6nd(self) -> Metric | str:
        params = self.model.active_parameters or self.model.parameters
        tokens = self.t.tokens
        if params is None or tokens is None:
            return "not both parameters and training tokens"
        which = "active_parameters" if self.model.active_parameters else "parameters"
        inputs = (figure_input(which, params, "parameters"), figure_input("tokens", tokens, "tokens"))
        moe = " (active parameters per token: mixture-of-experts)" if which == "active_parameters" else ""
        return estimated("compute_flop", rng(inputs[0]) * rng(inputs[1]) * FLOP_PER_PARAMETER_TOKEN, "6ND",
                         f"6 x {which} x tokens{moe}", inputs)

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
        return estimated("compute_flop", r, "hardware", f"accelerator_hours x 3600 s/h x peak {precision} FLOP/s x utilization", inputs)

    def pue(self) -> Input:
        if self.t.pue is not None:
            return figure_input("pue", self.t.pue, "ratio")
        grid = self.ctx.grids.get(self.t.location.grid or "") if self.t.location.grid else None
        if grid is not None and grid.pue is not None:
            return figure_input("pue", grid.pue, "ratio", grid.id)
        kind = self.t.location.operator_type
        key = {"hyperscale": "pue_hyperscale", "cloud": "pue_hyperscale", "on-premises": "pue_onprem"}.get(kind or "", "pue_default")
        return self.ctx.assumption(key, "pue")

    def power(self, hw: Hardware | None) -> tuple[Input, ...] | str:
        """Average power per accelerator: published, or TDP x the assumed share of TDP."""
        if self.t.average_power_w is not None and hw is self.hw:
            return (figure_input("average_power_w", self.t.average_power_w, "W"),)
        if hw is None or hw.tdp_w is None:
            return "no average power and no accelerator TDP"
        return (figure_input("tdp_w", hw.tdp_w, "W", hw.id), self.ctx.assumption("power_share_of_tdp"))

    def _it_energy_mwh(self) -> Metric | None:
        paths = [self._it_from_facility, self._it_from_hours, self._it_from_compute, self._it_from_era] if self.t.it_energy_mwh is None \
            else [self._it_from_hours, self._it_from_compute, self._it_from_era]
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
        return estimated("it_energy_mwh", r / WATT_HOURS_PER_MWH, "hours x power",
                         "accelerator_hours x average power per accelerator (W) / 1,000,000", (hours.as_input(), *power))

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
        return estimated("it_energy_mwh", r / JOULES_PER_MWH, "compute / efficiency",
                         f"compute_flop / (peak {precision} FLOP/s x utilization) x power per accelerator (W) / 3.6e9 J/MWh",
                         (compute.as_input(), peak_in, util, *power))

    def _it_from_era(self) -> Metric | str:
        compute = self._compute_input()
        if compute is None:
            return "no accelerator-hours and no compute"
        if self.year is None:
            return "no training or release year to pick the hardware of the time"
        window = self.ctx.assumption("hardware_current_years")
        efficiencies = self.ctx.era_efficiencies(self.year - window.value, self.year, self.t.precision)
        if not efficiencies:
            return f"no accelerator in the hardware registry released in the {window.value:g} years up to {self.year}"
        values = sorted(e for e, _ in efficiencies)
        eff = Input("flop_per_joule_at_tdp", median(values), values[0], values[-1], "FLOP/J", "hardware",
                    ", ".join(sorted(h for _, h in efficiencies)),
                    note=f"peak FLOP/s / TDP of {len(values)} accelerators released {self.year - int(window.value)}-{self.year}")
        util, share = self._utilization(), self.ctx.assumption("power_share_of_tdp")
        r = compute.range / (rng(eff) * rng(util)) * rng(share)
        return estimated("it_energy_mwh", r / JOULES_PER_MWH, "compute / hardware of the era",
                         "compute_flop / (FLOP per joule at TDP x utilization) x share of TDP drawn / 3.6e9 J/MWh",
                         (compute.as_input(), eff, util, share, window),
                         note="hardware unknown: the range spans the accelerators of the training year")

    def _energy_mwh(self) -> Metric | None:
        return self._choose("energy_mwh", self.t.energy_mwh, [self._energy_from_it])

    def _energy_from_it(self) -> Metric | str:
        it = self.get("it_energy_mwh") if self.t.energy_mwh is None else self._independent_it()
        if it is None:
            return self.missing.get("it_energy_mwh", "no IT energy")
        pue = self.pue()
        return estimated("energy_mwh", it.range * rng(pue), "IT energy x PUE", "it_energy_mwh x PUE", (it.as_input(), pue))

    def _independent_it(self) -> Metric | None:
        """IT energy from hardware and time only, to check a reported facility energy against."""
        for path in (self._it_from_hours, self._it_from_compute, self._it_from_era):
            result = path()
            if isinstance(result, Metric):
                return result
        return None

    def _carbon_intensity_g_per_kwh(self) -> Metric | None:
        return self._choose("carbon_intensity_g_per_kwh", self.t.carbon_intensity_g_per_kwh, [self._intensity_from_grid, self._intensity_world])

    def _grid(self) -> Grid | None:
        loc = self.t.location
        if loc.grid:
            return self.ctx.grids.get(loc.grid)
        return self.ctx.grids.get(loc.country.lower()) if loc.country else None

    def _intensity_from_grid(self) -> Metric | str:
        grid = self._grid()
        if grid is None:
            return "no grid or country for the training location"
        year = self.year or grid.intensity[-1].year
        entry = min(grid.intensity, key=lambda i: (abs(i.year - year), -i.year))
        said = f"{entry.year}" if entry.year == year else f"{entry.year}, the nearest year to {year}"
        low = entry.low if entry.low is not None else entry.g_per_kwh
        high = entry.high if entry.high is not None else entry.g_per_kwh
        source = Input("grid_intensity", entry.g_per_kwh, low, high, "gCO2e/kWh", "grid", grid.id, entry.sources, entry.note)
        return estimated("carbon_intensity_g_per_kwh", rng(source), "grid", f"grid record {grid.id} for {said}", (source,))

    def _intensity_world(self) -> Metric | str:
        world = self.ctx.assumption("world_grid_intensity_g_per_kwh")
        return estimated("carbon_intensity_g_per_kwh", rng(world), "world average",
                         "world-average grid intensity (training location unknown)", (world,))

    def _emissions_tco2e(self) -> Metric | None:
        return self._choose("emissions_tco2e", self.t.emissions_tco2e, [self._emissions_from_energy])

    def _emissions_from_energy(self) -> Metric | str:
        energy = self.get("energy_mwh")
        if energy is None:
            return self.missing.get("energy_mwh", "no energy")
        intensity = self.get("carbon_intensity_g_per_kwh")
        if intensity is None:
            return "no carbon intensity"
        return estimated("emissions_tco2e", energy.range * intensity.range / 1000, "energy x intensity",
                         "energy_mwh x carbon_intensity_g_per_kwh / 1000", (energy.as_input(), intensity.as_input()))

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
        """On-site cooling water (IT energy x WUE) plus off-site water to generate the electricity (energy x grid water intensity).

        Beside a reported figure whose scope is only one of the two, the estimate covers the same scope.
        """
        it, energy = self.get("it_energy_mwh"), self.get("energy_mwh")
        if it is None or energy is None:
            return self.missing.get("energy_mwh", "no energy")
        scope = set(self.t.water_scope) if self.t.water_m3 is not None and self.t.water_scope else {"water-on-site", "water-off-site"}
        parts: list[tuple[Metric, Input]] = []
        if "water-on-site" in scope:
            wue = self._water_intensity(self.t.wue_l_per_kwh, "wue_l_per_kwh", "wue_default_l_per_kwh", "wue_l_per_kwh")
            if isinstance(wue, str):
                return wue
            parts.append((it, wue))
        if "water-off-site" in scope:
            ewif = self._water_intensity(None, "water_l_per_kwh", "electricity_water_intensity_l_per_kwh", "electricity_water_l_per_kwh")
            if isinstance(ewif, str):
                return ewif
            parts.append((energy, ewif))
        r = Range(sum(m.value * i.value for m, i in parts), sum(m.low * i.low for m, i in parts), sum(m.high * i.high for m, i in parts))
        terms = {"water-on-site": "it_energy_mwh x WUE (L/kWh)", "water-off-site": "energy_mwh x electricity water intensity (L/kWh)"}
        named = [terms[k] for k in ("water-on-site", "water-off-site") if k in scope]
        path = " + ".join(k.removeprefix("water-") for k in ("water-on-site", "water-off-site") if k in scope)
        inputs = tuple(x for m, i in parts for x in (m.as_input(), i))
        return estimated("water_m3", r, path, " + ".join(named), inputs, note=f"scope: {', '.join(sorted(scope))}")

    def _emissions_market_tco2e(self) -> Metric | None:
        if self.t.emissions_market_tco2e is None:
            self.missing["emissions_market_tco2e"] = "market-based emissions are only ever reported, not estimated"
            return None
        return reported("emissions_market_tco2e", self.t.emissions_market_tco2e, "tCO2e")


def cross_checks(model: Model, metrics: Mapping[str, Metric], ctx: Context) -> tuple[CrossCheck, ...]:
    """Reported figures far from their independent estimate, facility energy that looks like IT energy, 6ND vs hardware."""
    factor = ctx.assumptions["cross_check_factor"].value
    found: list[CrossCheck] = []
    for name, metric in metrics.items():
        est = metric.estimate
        if metric.method == "reported" and est is not None and not (1 / factor <= metric.value / est.value <= factor):
            found.append(CrossCheck("cross-check", ("training", name),
                                    f"the reported {name} ({metric.value:.4g}) is {metric.value / est.value:.2g} times the independent estimate "
                                    f"({est.value:.4g} by {est.path}): check the figure, its unit and what it includes"))
    energy = metrics.get("energy_mwh")
    if energy is not None and energy.method == "reported" and energy.estimate is not None:
        it = energy.estimate.inputs[0]
        pue = energy.estimate.inputs[1]
        if pue.value > 1.02 and abs(energy.value / it.value - 1) < 0.02:
            found.append(CrossCheck("energy-without-pue", ("training", "energy_mwh"),
                                    f"energy_mwh ({energy.value:.4g}) equals accelerator energy before PUE ({it.value:.4g}): "
                                    "if the source excludes PUE, write it as it_energy_mwh"))
    compute = metrics.get("compute_flop")
    derivation = ModelDerivation(model, ctx)
    six, hw = derivation._compute_6nd(), derivation._compute_hardware()
    if compute is not None and isinstance(six, Metric) and isinstance(hw, Metric) and not (1 / factor <= hw.value / six.value <= factor):
        found.append(CrossCheck("compute-paths", ("training",),
                                f"compute from hardware ({hw.value:.3g} FLOP) and from 6 x parameters x tokens ({six.value:.3g} FLOP) "
                                f"differ by more than {factor:g}x: check accelerator-hours, hardware and tokens"))
    return tuple(found)


def derive(model: Model, ctx: Context) -> Derived:
    """All training metrics of one model, each reported or estimated, and why the others are missing."""
    d = ModelDerivation(model, ctx)
    metrics = {name: m for name in TRAINING_METRICS if (m := d.get(name)) is not None}
    return Derived(model.id, metrics, dict(d.missing), cross_checks(model, metrics, ctx))
