"""Typed, immutable registry records built from validated YAML, so later stages never touch raw files."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class Source:
    """A public document that figures cite."""

    id: str
    title: str
    url: str
    publisher: str | None = None
    authors: str | None = None
    published: str | None = None
    accessed: str | None = None
    locator: str | None = None
    license: str | None = None
    peer_reviewed: bool | None = None  # a journal article or refereed conference paper; None when not stated


@dataclass(frozen=True)
class Figure:
    """A sourced number; `low`/`high` are None when the source gives no range."""

    value: float
    low: float | None = None
    high: float | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None
    estimated: bool = False
    provenance: str = "reported"
    confidence: str | None = None
    scope: str | None = None  # a training figure's own scope, where it differs from training.scope
    includes_pue: bool = (
        False  # an average power "adjusted for power usage efficiency" (Meta's model cards): no PUE on top
    )
    differs_from_estimate: str | None = (
        None  # why it lies far from the registry's independent estimate (no cross-check warning)
    )

    @property
    def by_developer(self) -> bool:
        """Whether the developer stands behind the figure (its count or measurement, or its own estimate)."""
        return self.provenance in DEVELOPER_PROVENANCE

    @property
    def bounds(self) -> tuple[float, float]:
        """(low, high), each the value itself where the source gives no range (a range may start at 0)."""
        return (self.value if self.low is None else self.low, self.value if self.high is None else self.high)


def from_peer_reviewed_study(provenance: str | None, ids: tuple[str, ...], known: Mapping[str, Source]) -> bool:
    """Whether a figure is a third party's estimate published in a peer-reviewed study (it cites sources and every one
    is marked peer_reviewed), so coverage can count it, labelled apart from the developer's (its provenance stays
    third-party-estimate)."""
    return (
        provenance == "third-party-estimate"
        and bool(ids)
        and all(s in known and known[s].peer_reviewed is True for s in ids)
    )


MIXTURE_OF_EXPERTS = re.compile(r"mixture[- ]of[- ]experts|\bmoe\b", re.IGNORECASE)
DEVELOPER_PROVENANCE = ("reported", "reported-estimate")  # a third-party estimate is anyone else's


@dataclass(frozen=True)
class Status:
    """A categorical fact (openness status, licence, gating) with its evidence."""

    value: str
    sources: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Location:
    country: str | None = None
    grid: str | None = None
    datacenter: str | None = None
    cloud: str | None = None
    operator_type: str | None = None


RELATIONS = ("base_model", "variant_of", "family")  # the fields of a model that name another model

FIGURE_FIELDS = (
    "tokens",
    "compute_flop",
    "accelerator_count",
    "duration_hours",
    "accelerator_hours",
    "utilization",
    "average_power_w",
    "pue",
    "carbon_intensity_g_per_kwh",
    "it_energy_mwh",
    "energy_mwh",
    "emissions_tco2e",
    "emissions_market_tco2e",
)


@dataclass(frozen=True)
class Training:
    """What a source published about one training run."""

    tokens: Figure | None = None
    compute_flop: Figure | None = None
    precision: str | None = None
    accelerator: str | None = None
    accelerator_count: Figure | None = None
    duration_hours: Figure | None = None
    accelerator_hours: Figure | None = None
    utilization: Figure | None = None
    average_power_w: Figure | None = None
    pue: Figure | None = None
    location: Location = field(default_factory=Location)
    started: str | None = None
    ended: str | None = None
    carbon_intensity_g_per_kwh: Figure | None = None
    it_energy_mwh: Figure | None = None
    energy_mwh: Figure | None = None
    emissions_tco2e: Figure | None = None
    emissions_market_tco2e: Figure | None = None
    water_m3: Figure | None = None
    water_scope: tuple[str, ...] = ()
    embodied_tco2e: Figure | None = None
    wue_l_per_kwh: Figure | None = None
    scope: str | None = None
    note: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Disclosure:
    """One published per-query inference figure: what a query is, what is counted, how emissions are accounted."""

    query: str
    kind: str
    output_tokens: float | None = None
    queries: float = 1
    energy_wh: Figure | None = None
    emissions_g: Figure | None = None
    water_ml: Figure | None = None
    abiotic_depletion_mg_sb_eq: Figure | None = None
    accounting: str | None = None
    scope: tuple[str, ...] = ()
    hardware: str | None = None
    measured_on: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lifecycle:
    """A life-cycle assessment: totals over a stated period and boundary."""

    period: str
    boundary: tuple[str, ...] = ()
    emissions_tco2e: Figure | None = None
    water_m3: Figure | None = None
    abiotic_depletion_kg_sb_eq: Figure | None = None
    methodology: str | None = None
    assessed_by: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Price:
    input: float | None
    output: float | None
    as_of: str
    sources: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Access:
    providers: tuple[str, ...] = ()
    price: Price | None = None
    free_tier: Status | None = None
    gating: Status | None = None
    unavailable_in: tuple[Status, ...] = ()
    languages: tuple[str, ...] = ()
    note: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Model:
    """One AI model; `data` keeps every field as written, for lossless exports."""

    id: str
    name: str
    path: str
    data: Raw
    organizations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    base_model: str | None = None
    variant_of: str | None = None
    family: str | None = None
    former_ids: tuple[str, ...] = ()
    released: str | None = None
    domains: tuple[str, ...] = ()
    description: str | None = None
    parameters: Figure | None = None
    active_parameters: Figure | None = None
    architecture: str | None = None
    training: Training = field(default_factory=Training)
    openness: Mapping[str, Status] = field(default_factory=dict)
    access: Access = field(default_factory=Access)
    links: Mapping[str, str] = field(default_factory=dict)
    inference: tuple[Disclosure, ...] = ()
    lifecycle: tuple[Lifecycle, ...] = ()
    note: str | None = None
    sources: tuple[Source, ...] = ()

    @property
    def mixture_of_experts(self) -> bool:
        """Whether the record says it is mixture-of-experts (architecture), or has an active_parameters field (a
        figure, or null with a note saying why no count is published)."""
        return "active_parameters" in self.data or bool(
            self.architecture and MIXTURE_OF_EXPERTS.search(self.architecture)
        )

    def all_sources(self) -> dict[str, Source]:
        """Every source of the record by id, from all its sources lists."""
        found = {s.id: s for s in self.sources}
        groups = [self.training.sources, self.access.sources, _openness_sources(self.data)]
        groups += [
            sources(item.get("sources")) for key in ("inference", "lifecycle") for item in self.data.get(key) or ()
        ]
        for group in groups:
            found.update({s.id: s for s in group})
        return found


@dataclass(frozen=True)
class Hardware:
    id: str
    name: str
    path: str
    data: Raw
    kind: str
    vendor: str | None = None
    aliases: tuple[str, ...] = ()
    released: str | None = None
    tdp_w: Figure | None = None
    memory_gb: Figure | None = None
    peak_flops: Mapping[str, Figure] = field(default_factory=dict)
    system_power_w: Figure | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Intensity:
    year: int
    g_per_kwh: float
    low: float | None = None
    high: float | None = None
    basis: str | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Grid:
    id: str
    name: str
    path: str
    data: Raw
    kind: str | None = None
    country: str | None = None
    provider: str | None = None
    intensity: tuple[Intensity, ...] = ()
    pue: Figure | None = None
    water_l_per_kwh: Figure | None = None
    wue_l_per_kwh: Figure | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    path: str
    data: Raw
    aliases: tuple[str, ...] = ()
    former_ids: tuple[str, ...] = ()
    country: str | None = None
    kind: str | None = None
    url: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    path: str
    data: Raw
    statement: str
    verdict: str
    related_models: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Assumption:
    """A default used when a figure is unknown: value, plausible range, and why."""

    id: str
    description: str
    unit: str
    value: float
    low: float
    high: float
    sources: tuple[str, ...] = ()
    rationale: str | None = None
    note: str | None = None
    distribution: str = "triangular"


@dataclass(frozen=True)
class Operator:
    """Who runs the data centres some organizations train in, and the assumption with its published fleet PUE."""

    id: str
    name: str
    pue: str
    organizations: tuple[str, ...] = ()
    clouds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    note: str | None = None


def source(raw: Raw) -> Source:
    return Source(**{k: raw.get(k) for k in Source.__dataclass_fields__})  # type: ignore[arg-type]


def sources(raw: Any) -> tuple[Source, ...]:
    """The sources given in full in a sources list (items that are bare ids point at these)."""
    return tuple(source(s) for s in raw or () if isinstance(s, dict))


def source_ids(raw: Any) -> tuple[str, ...]:
    """The ids a sources list names, whether given in full or by id."""
    return tuple(s if isinstance(s, str) else s["id"] for s in raw or ())


def refs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def figure(raw: Any, default_sources: tuple[str, ...]) -> Figure | None:
    """A figure from its plain or mapping form; None when unknown."""
    if raw is None:
        return None
    if isinstance(raw, dict):  # the loader's data is plain dicts: no ABC check (180,000 figures at 10,000 models)
        if raw.get("value") is None:
            return None
        estimated = bool(raw.get("estimated", False))
        provenance = raw.get("provenance") or ("reported-estimate" if estimated else "reported")
        scope = raw.get("scope")
        return Figure(
            raw["value"],
            raw.get("low"),
            raw.get("high"),
            refs(raw.get("source")) or default_sources,
            raw.get("note"),
            estimated or provenance != "reported",
            provenance,
            raw.get("confidence"),
            scope if isinstance(scope, str) else None,
            raw.get("includes_pue") is True,
            raw.get("differs_from_estimate"),
        )
    return Figure(raw, sources=default_sources)


def status(raw: Any, default_sources: tuple[str, ...]) -> Status | None:
    if raw is None:
        return None
    if isinstance(raw, dict):
        return Status(str(raw["value"]), refs(raw.get("source")) or default_sources, raw.get("note"))
    return Status(str(raw), default_sources)


def _openness_sources(data: Raw) -> tuple[Source, ...]:
    return sources((data.get("openness") or {}).get("sources"))
