"""What the registry discloses, what it estimates and what it leaves unknown: the coverage table of the models with the
most training compute, and the counts of published figures that the data campaign (issue 23) sets targets for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from builder.derive.derived import ModelReport
from builder.records.types import Figure, Model, from_peer_reviewed_study

TOP = 50
# (field, column label, unit): the figures a reader checks first for a large training run.
FIELDS = (
    ("compute_flop", "Compute", "FLOP"),
    ("parameters", "Parameters", ""),
    ("tokens", "Tokens", ""),
    ("accelerator_hours", "Accelerator-hours", "h"),
    ("energy_mwh", "Energy", "MWh"),
    ("emissions_tco2e", "Emissions", "tCO2e"),
)
DISCLOSED, SOURCE_ESTIMATE = "disclosed", "estimate by a source"
REGISTRY_ESTIMATE, UNKNOWN = "registry estimate", "unknown"
STATES = (DISCLOSED, SOURCE_ESTIMATE, REGISTRY_ESTIMATE, UNKNOWN)
START, END = "<!-- coverage table: start -->", "<!-- coverage table: end -->"


@dataclass(frozen=True)
class Cell:
    """One figure of one model: its state and the value the registry shows (None when unknown)."""

    state: str
    value: float | None


@dataclass(frozen=True)
class Row:
    """One model of the coverage table, ranked by its training compute (reported or estimated)."""

    model_id: str
    name: str
    compute: float
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Counts:
    """How many models carry each kind of published figure (the campaign's targets)."""

    energy_or_emissions: int  # the developer's figure (a measurement or its own estimate)
    accelerator_hours: int
    tokens: int
    mixture_of_experts: int
    moe_with_active_parameters: int
    moe_active_parameters_unpublished: int
    moe_without_active_parameters: tuple[str, ...]
    energy_or_emissions_peer_reviewed: int = 0  # no developer's figure, but a peer-reviewed study's estimate

    @property
    def energy_or_emissions_total(self) -> int:
        """Models with a published training energy or emissions figure: the developer's or a peer-reviewed study's."""
        return self.energy_or_emissions + self.energy_or_emissions_peer_reviewed

    def energy_or_emissions_words(self) -> str:
        """The campaign's first count with its two parts, as the README, the CLI and the coverage page print it."""
        return (
            f"{self.energy_or_emissions_total} ({self.energy_or_emissions} developer's, "
            f"{self.energy_or_emissions_peer_reviewed} from peer-reviewed studies)"
        )


def is_mixture_of_experts(model: Model) -> bool:
    """A model is counted as mixture-of-experts when its record says so (Model.mixture_of_experts)."""
    return model.mixture_of_experts


def _unpublished_explained(model: Model) -> bool:
    """active_parameters is null with a note: the record says why the developer's count is unknown."""
    raw = model.data.get("active_parameters")
    return isinstance(raw, dict) and raw.get("value") is None and bool(raw.get("note"))


def _record_figure(model: Model, name: str) -> Figure | None:
    """The figure the record itself gives for a coverage column (energy before PUE counts as published energy)."""
    t = model.training
    if name == "parameters":
        return model.parameters
    if name == "energy_mwh":
        return t.energy_mwh or t.it_energy_mwh
    if name == "emissions_tco2e":
        return t.emissions_tco2e or t.emissions_market_tco2e
    found: Figure | None = getattr(t, name)
    return found


def _by_developer(fig: Figure | None) -> bool:
    """A figure the developer published (its count or measurement, or its own estimate): a third party's estimate,
    such as Epoch AI's, does not count towards coverage."""
    return fig is not None and fig.by_developer


def _energy_figures(model: Model) -> tuple[Figure | None, ...]:
    """The record's training energy and emissions figures (energy with and before PUE; location- and market-based)."""
    t = model.training
    return (t.energy_mwh, t.it_energy_mwh, t.emissions_tco2e, t.emissions_market_tco2e)


def energy_published_by(model: Model) -> str | None:
    """Who published the model's training energy or emissions figure: 'developer', else 'peer-reviewed study' (a third
    party's estimate in a journal or refereed paper), else None (an estimate by Epoch AI or a preprint is not
    counted)."""
    figures = _energy_figures(model)
    if any(_by_developer(f) for f in figures):
        return "developer"
    known = model.all_sources()
    if any(f is not None and from_peer_reviewed_study(f.provenance, f.sources, known) for f in figures):
        return "peer-reviewed study"
    return None


def _hours_published(model: Model) -> bool:
    """Accelerator-hours count as published when the developer gives them, or both the accelerator count and the
    duration."""
    t = model.training
    return _by_developer(t.accelerator_hours) or (
        _by_developer(t.accelerator_count) and _by_developer(t.duration_hours)
    )


def cell(report: ModelReport, name: str) -> Cell:
    """The state of one figure: published by a source (as a count or measurement, or as its estimate), estimated by the
    registry's formulas, or unknown."""
    fig = _record_figure(report.model, name)
    if fig is not None:
        return Cell(DISCLOSED if fig.provenance == "reported" else SOURCE_ESTIMATE, fig.value)
    metric = report.training.metrics.get(name)
    if metric is not None:
        return Cell(DISCLOSED if metric.method == "reported" else REGISTRY_ESTIMATE, metric.value)
    return Cell(UNKNOWN, None)


def top_rows(reports: Mapping[str, ModelReport], top: int = TOP) -> list[Row]:
    """The `top` models with the most training compute (reported, or else the registry's central estimate), largest
    first."""
    ranked = []
    for model_id, report in reports.items():
        compute = report.training.metrics.get("compute_flop")
        if compute is not None:
            ranked.append((-compute.value, model_id, compute.value, report))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [
        Row(mid, r.model.name, value, tuple(cell(r, name) for name, _, _ in FIELDS))
        for _, mid, value, r in ranked[:top]
    ]


def tally(rows: list[Row]) -> dict[str, dict[str, int]]:
    """For each column, how many of the rows are in each state."""
    return {
        label: {s: sum(1 for r in rows if r.cells[i].state == s) for s in STATES}
        for i, (_, label, _) in enumerate(FIELDS)
    }


def counts(models: Mapping[str, Model]) -> Counts:
    """Models with a published training energy or emissions figure (the developer's; else a peer-reviewed study's),
    accelerator-hours, tokens; MoE with active parameters."""
    moe = [m for m in models.values() if is_mixture_of_experts(m)]
    t = [m.training for m in models.values()]
    energy = [energy_published_by(m) for m in models.values()]
    return Counts(
        energy_or_emissions=energy.count("developer"),
        energy_or_emissions_peer_reviewed=energy.count("peer-reviewed study"),
        accelerator_hours=sum(1 for m in models.values() if _hours_published(m)),
        tokens=sum(1 for x in t if _by_developer(x.tokens)),
        mixture_of_experts=len(moe),
        moe_with_active_parameters=sum(1 for m in moe if m.active_parameters is not None),
        moe_active_parameters_unpublished=sum(1 for m in moe if _unpublished_explained(m)),
        moe_without_active_parameters=tuple(
            sorted(m.id for m in moe if m.active_parameters is None and not _unpublished_explained(m))
        ),
    )


def heading(label: str, unit: str) -> str:
    """A column heading with its unit, when it has one."""
    return f"{label} ({unit})" if unit else label


def _short(value: float | None) -> str:
    """A compact number for the README table (3 significant digits)."""
    return "" if value is None else f"{value:.3g}"


def markdown(rows: list[Row]) -> str:
    """The coverage table as Markdown for the README: one line per model, each figure's state and value."""
    head = "| # | Model | " + " | ".join(heading(label, unit) for _, label, unit in FIELDS) + " |"
    lines = [head, "|" + "---|" * (len(FIELDS) + 2)]
    marks = {
        DISCLOSED: "disclosed",
        SOURCE_ESTIMATE: "source est.",
        REGISTRY_ESTIMATE: "registry est.",
        UNKNOWN: "unknown",
    }
    for n, r in enumerate(rows, 1):
        cells = [f"{marks[c.state]} {_short(c.value)}".strip() for c in r.cells]
        lines.append(f"| {n} | {r.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def summary(found: Counts, models: int) -> str:
    """The counts across the registry as one Markdown paragraph, printed under the table (and written to the README)."""
    return (
        f"Across the registry's {models:,} models: {found.energy_or_emissions_words()} have a published training "
        f"energy or emissions figure; {found.accelerator_hours} have published accelerator-hours (or a count and "
        f"duration); {found.tokens} have published training tokens.\n"
    )


def replace_table(text: str, table: str) -> str:
    """`text` (a README) with the lines between its START and END markers replaced by `table`."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {START} and {END} are not both there, in that order")
    return f"{text[:start]}{START}\n{table}{text[end:]}"
