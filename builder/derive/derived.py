"""Derives every model of a registry once per build: training metrics, equivalents, access, openness, transparency."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from builder.derive import inference, metrics, summaries
from builder.derive.metrics import Context, Derived, Metric
from builder.derive.openness import OpennessScore, score
from builder.problems import WARNING, Problem, dotted
from builder.records import catalogue
from builder.records.registry import Registry
from builder.records.types import Model


@dataclass(frozen=True)
class ModelReport:
    """What the registry knows and derives about one model, ready for pages, exports and `show`."""

    model: Model
    training: Derived
    equivalents: Mapping[str, Metric]
    access: summaries.AccessSummary
    openness: OpennessScore
    transparency: summaries.Transparency
    inference: tuple[inference.Normalised, ...] = ()
    break_even: Metric | None = None
    inference_estimate: Metric | None = None
    inference_estimate_reason: str | None = None

    @property
    def openness_only(self) -> bool:
        """Whether the record holds openness data only (summaries.openness_only): pages badge it, the index hides it."""
        return summaries.openness_only(self.model)

    def derived_json(self) -> dict[str, Any]:
        """`derived` as `show --json` and the exports give it: each metric name to its value, range, method and inputs.

        Built once per report (the exports, the API and the pages all ask for it); callers must not change it.
        """
        return self._derived_json

    @cached_property
    def _derived_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: m.as_dict() for name, m in self.metrics.items()}
        out["access"] = self.access.as_dict()
        out["openness"] = self.openness.as_dict()
        out["transparency"] = self.transparency.as_dict()
        out["openness_only"] = self.openness_only
        out["inference"] = [n.as_dict() for n in self.inference]
        out["missing"] = self.missing
        return out

    @cached_property
    def metrics(self) -> dict[str, Metric]:
        """Every derived metric by name, in the catalogue's order: training, inference, everyday equivalents."""
        inference = {m.name: m for m in (self.inference_estimate, self.break_even) if m is not None}
        found = {**self.training.metrics, **inference, **self.equivalents}
        return {name: found[name] for name in sorted(found, key=catalogue.position)}

    @property
    def missing(self) -> dict[str, str]:
        """Why each metric that could not be derived is missing, by name (training and the inference estimate)."""
        out = dict(self.training.missing)
        if self.inference_estimate is None and self.inference_estimate_reason:
            out["inference_energy_wh_per_1000_tokens"] = self.inference_estimate_reason
        return out


def context(registry: Registry) -> Context:
    return Context(
        registry.assumptions,
        registry.hardware,
        registry.grids,
        registry.organizations,
        registry.operators,
        registry.organization_kinds,
        fleet(registry),
    )


def fleet(registry: Registry) -> dict[str, tuple[int, ...]]:
    """The training years of the models naming each accelerator: the weights of the hardware of an era."""
    found: dict[str, list[int]] = {}
    for model in registry.models.values():
        year = metrics.training_year(model)
        if model.training.accelerator and year is not None:
            found.setdefault(model.training.accelerator, []).append(year)
    return {hw: tuple(sorted(years)) for hw, years in sorted(found.items())}


def report(model: Model, registry: Registry, ctx: Context) -> ModelReport:
    training = metrics.derive(model, ctx)
    emissions = training.metrics.get("emissions_tco2e")
    even = inference.break_even(emissions, model.inference) if emissions is not None else None
    estimate = inference.estimate_energy(model, ctx)
    return ModelReport(
        model,
        training,
        summaries.equivalents(training.metrics, ctx),
        summaries.access(model, ctx),
        score(model, registry.openness_scoring),
        summaries.transparency(model),
        tuple(inference.normalise(d) for d in model.inference),
        even,
        estimate if isinstance(estimate, Metric) else None,
        estimate if isinstance(estimate, str) else None,
    )


def derive_all(registry: Registry) -> dict[str, ModelReport]:
    """Every model's report, by id, in id order."""
    ctx = context(registry)
    return {model_id: report(registry.models[model_id], registry, ctx) for model_id in sorted(registry.models)}


class Reports(Mapping[str, ModelReport]):
    """Every model's report by id in id order, each derived when first asked for: a model's page, rendered first,
    waits for its own report, not for all of them. Given the reports of an earlier load (a preview rebuilding after
    an edit), a model whose record is the same object, derived with the same assumptions, hardware, grids and
    openness table, keeps its report."""

    def __init__(self, registry: Registry, earlier: Reports | None = None) -> None:
        self._registry = registry
        self._ids = sorted(registry.models)
        self._made: dict[str, ModelReport] = {}
        self._context: Context | None = None
        self._earlier = earlier._made if earlier is not None and _same_inputs(earlier._registry, registry) else {}

    def __getitem__(self, model_id: str) -> ModelReport:
        made = self._made.get(model_id)
        if made is None:
            model = self._registry.models[model_id]
            kept = self._earlier.get(model_id)
            if kept is not None and kept.model is model:
                made = self._made[model_id] = kept
                return made
            if self._context is None:
                self._context = context(self._registry)
            made = self._made[model_id] = report(model, self._registry, self._context)
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def _same_inputs(before: Registry, now: Registry) -> bool:
    """Whether a model's report depends on nothing that differs between two loads but the model itself."""

    def same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        return a.keys() == b.keys() and all(a[k] is b[k] for k in a)

    return (
        same(before.hardware, now.hardware)
        and same(before.grids, now.grids)
        and before.assumptions == now.assumptions
        and same(before.organizations, now.organizations)
        and before.operators == now.operators
        and before.organization_kinds == now.organization_kinds
        and fleet(before) == fleet(now)
        and before.openness_scoring == now.openness_scoring
    )


def warnings(reports: Mapping[str, ModelReport]) -> list[Problem]:
    """Cross-checks as validation warnings on each model's file (positions are filled in by the caller)."""
    return [
        Problem(
            r.model.path,
            code=c.code,
            message=c.message,
            severity=WARNING,
            pointer=c.pointer,
            field_path=dotted(c.pointer),
        )
        for r in reports.values()
        for c in r.training.checks
    ]
