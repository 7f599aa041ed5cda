"""What each generated page shows, as plain data: templates only lay it out, so numbers and links are decided (and
tested) here."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from builder.derive import coverage, inference
from builder.derive.derived import ModelReport
from builder.derive.metrics import SCOPES, TRAINING_METRICS, Input, Metric
from builder.formatting import PARAMETERS, figure, number, scaled
from builder.records import catalogue
from builder.records.registry import Registry
from builder.records.types import Disclosure, Figure, Lifecycle, Model, Source, Status, from_peer_reviewed_study

OPENNESS_LABELS = {
    "weights": "Weights",
    "checkpoints": "Intermediate checkpoints",
    "training_code": "Training code",
    "inference_code": "Inference code",
    "training_data": "Training data",
    "model_card": "Model card",
    "datasheet": "Datasheet",
    "technical_report": "Technical report",
    "paper": "Paper",
    "weights_license": "Weights licence",
    "code_license": "Code licence",
    "data_license": "Data licence",
}
OPEN_STATUSES = {"open", "released"}
PARTIAL_STATUSES = {"gated", "restricted", "partial", "documented"}


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None: the only links the site lets entries create."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def year_of(date: str | None) -> int | None:
    """The year of a YYYY[-MM[-DD]] date, or None."""
    return int(date[:4]) if date and date[:4].isdigit() else None


@dataclass(frozen=True)
class Link:
    """A cited document as the page shows it; `url` is None when the entry's link is not http(s)."""

    id: str
    title: str
    url: str | None
    detail: str


@dataclass(frozen=True)
class Quantity:
    """A figure ready to print: value, optional range and unit; `value` is 'unknown' when unknown."""

    value: str
    range: str = ""
    unit: str = ""
    estimated: bool = False
    likely: bool = False  # the range is a propagated 90% interval, not a source's own range


@dataclass(frozen=True)
class InputView:
    """One input of a formula as printed, with a link to where it comes from."""

    name: str
    quantity: Quantity
    origin: str
    origin_href: str | None
    origin_label: str
    sources: tuple[Link, ...]
    note: str | None
    rule: str | None = None  # why this default was chosen for this model


@dataclass(frozen=True)
class MetricView:
    """One derived metric row: value, range, method and, behind a <details>, formula, inputs and sources."""

    name: str
    label: str
    quantity: Quantity
    method: str
    path: str
    formula: str
    inputs: tuple[InputView, ...]
    sources: tuple[Link, ...]
    note: str | None
    estimate: MetricView | None = None
    missing: str | None = None
    confidence: str | None = None
    scope: str | None = None  # what the figure covers, in words, where it differs from the record's training scope
    study: bool = False  # a third party's estimate published in a peer-reviewed study (every cited source says so)


@dataclass(frozen=True)
class Check:
    """One checklist line: what, its state ('yes', 'partial', 'no', 'unknown'), the value and its evidence."""

    label: str
    state: str
    value: str
    sources: tuple[Link, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Ref:
    """A link to another generated page."""

    href: str
    label: str


@dataclass
class ModelView:
    """Everything the model page prints."""

    id: str
    name: str
    aliases: tuple[str, ...]
    description: str | None
    organizations: tuple[Ref, ...]
    facts: list[tuple[str, str]]
    fact_links: list[tuple[str, Ref]]
    metrics: list[MetricView]
    equivalents: list[MetricView]
    access: list[Check]
    memory: list[tuple[str, str, str]]
    openness: list[Check]
    openness_score: Quantity
    openness_facts: list[tuple[str, str]]
    transparency: list[Check]
    transparency_share: str
    sources: list[Link]
    links: list[tuple[str, str]]
    note: str | None
    yaml_name: str
    json_name: str
    cite: str
    correction_url: str | None
    path: str
    claims: list[Ref] = field(default_factory=list)
    inference: list[DisclosureView] = field(default_factory=list)
    inference_derived: list[MetricView] = field(default_factory=list)
    lifecycle: list[LifecycleView] = field(default_factory=list)
    openness_only: bool = False
    relations: list[tuple[str, tuple[Ref, ...]]] = field(default_factory=list)
    former_ids: tuple[str, ...] = ()


RELATION_OUT = (("base_model", "Fine-tuned from"), ("variant_of", "Variant of"), ("family", "Member of the family"))
RELATION_IN = (("base_model", "Fine-tunes"), ("variant_of", "Variants"), ("family", "Family members"))


def relation_links(m: Model, registry: Registry, linker: Linker) -> list[tuple[str, tuple[Ref, ...]]]:
    """The records this model names in its relations and those that name it, as labelled links: each link on both
    pages."""
    out = [
        (label, _names([target], registry.models, "models", linker))
        for relation, label in RELATION_OUT
        if (target := getattr(m, relation))
    ]
    for relation, label in RELATION_IN:
        others = registry.related.get((relation, m.id), ())
        if others:
            out.append((label, tuple(Ref(linker.page("models", o.id), o.name) for o in others)))
    return out


def quantity(
    value: float | None,
    low: float | None = None,
    high: float | None = None,
    unit: str = "",
    estimated: bool = False,
    likely: bool = False,
) -> Quantity:
    """Unknown stays 'unknown'; a range is printed only when it has width."""
    q = _quantity(value, low, high, unit, estimated)
    return replace(q, likely=True) if likely and q.range else q


@functools.lru_cache(
    maxsize=1 << 16, typed=True
)  # pages print the same assumption, accelerator or grid figure thousands of times
def _quantity(value: float | None, low: float | None, high: float | None, unit: str, estimated: bool) -> Quantity:
    if value is None:
        return Quantity("unknown", "", unit)
    shown, width, printed_unit = scaled(value, low, high, unit)
    return Quantity(shown, width, printed_unit, estimated)


METHOD_LABELS = {
    "reported": "reported",
    "reported-estimate": "developer's estimate",
    "third-party-estimate": "third-party estimate",
    "estimated": "registry estimate",
}


def provenance_words(fig: Figure | None) -> str:
    """What a record's figure is when it is not the developer's own count: '' or ' (third-party estimate; confidence:
    Likely)'."""
    if fig is None or fig.provenance == "reported":
        return ""
    confidence = f"; confidence: {fig.confidence}" if fig.confidence else ""
    return f" ({METHOD_LABELS[fig.provenance]}{confidence})"


def figure_quantity(fig: Figure | None, unit: str = "") -> Quantity:
    """A record's figure as a printable quantity."""
    if fig is None:
        return quantity(None, unit=unit)
    return quantity(fig.value, fig.low, fig.high, unit, fig.estimated)


@functools.lru_cache(maxsize=1 << 14)  # a hardware, grid or assumption source is cited on thousands of pages
def source_link(s: Source) -> Link:
    """A source as printed, its URL kept only when it is http(s)."""
    detail = "; ".join(x for x in (s.authors, s.publisher, s.published, s.locator) if x)
    return Link(s.id, s.title, safe_url(s.url), detail)


def links_for(ids: Iterable[str], known: Mapping[str, Source]) -> tuple[Link, ...]:
    """The cited sources in order; an id with no full source is still shown, without a link."""
    return tuple(source_link(known[i]) if i in known else Link(i, i, None, "") for i in dict.fromkeys(ids))


class Linker:
    """Relative URLs between generated pages, from a page at a known depth below the site root."""

    def __init__(self, root: str) -> None:
        """Remember the prefix that leads from the page to the site root."""
        self.root = root

    def page(self, kind: str, id_: str) -> str:
        """The URL of an entity page."""
        return f"{self.root}{kind}/{id_}/"

    def methodology(self, anchor: str = "") -> str:
        """The URL of the methodology page, optionally at an anchor."""
        return f"{self.root}methodology/" + (f"#{anchor}" if anchor else "")


class SourceBook:
    """Resolves source ids wherever a figure came from: the entry, a hardware or grid record, or the assumptions."""

    def __init__(self, registry: Registry) -> None:
        """Index the assumptions' sources; a hardware or grid record's are indexed when first cited."""
        self.registry = registry
        self.assumptions = {s.id: s for s in registry.assumption_sources}
        self._records: dict[str, Mapping[str, Source]] = {}
        self._inputs: dict[tuple[Input, str], InputView] = {}

    def input_view(self, i: Input, model_sources: Mapping[str, Source], linker: Linker) -> InputView:
        """The input as printed; one view for each assumption, accelerator or grid figure, which cite no model's
        sources and which thousands of pages print alike."""
        known = self.for_record(i.ref, i.origin, model_sources)
        if known is model_sources:
            return _input_view(i, known, self.registry, linker)
        key = (i, linker.root)
        found = self._inputs.get(key)
        if found is None:
            found = self._inputs[key] = _input_view(i, known, self.registry, linker)
        return found

    def for_record(self, ref: str, origin: str, model_sources: Mapping[str, Source]) -> Mapping[str, Source]:
        """The sources an input's ids refer to, by where the input came from."""
        if origin == "assumption":
            return self.assumptions
        found = self._records.get(ref)
        if found is not None:
            return found
        record = self.registry.hardware.get(ref) or self.registry.grids.get(ref)
        if record is None:
            return model_sources
        found = self._records[ref] = {s.id: s for s in record.sources}
        return found


def _origin(i: Input, registry: Registry, linker: Linker) -> tuple[str | None, str]:
    """Where an input comes from, as a link (assumption, hardware, grid, another metric) and a label."""
    if i.origin == "assumption":
        return linker.methodology(f"assumption-{i.ref}"), f"assumption {i.ref}"
    if i.ref in registry.hardware:
        return linker.page("hardware", i.ref), f"hardware {registry.hardware[i.ref].name}"
    if i.ref in registry.grids:
        return linker.page("grids", i.ref), f"grid {registry.grids[i.ref].name}"
    if i.name.endswith("_per_query"):
        return "#inference", f"inference disclosure ({i.origin}): {i.ref}"
    if i.origin == "estimated":
        return f"#metric-{i.name}", f"estimated ({i.ref})"
    if i.origin == "hardware":
        return None, f"hardware registry: {i.ref}"
    if i.ref in ("entry", "reported"):
        return None, "this entry" if i.origin == "reported" else f"this entry, {METHOD_LABELS.get(i.origin, i.origin)}"
    return None, f"{i.origin} {i.ref}".strip()


def _input_view(i: Input, known: Mapping[str, Source], registry: Registry, linker: Linker) -> InputView:
    """A formula input as printed, with where it comes from and the sources its ids refer to (`known`)."""
    href, label = _origin(i, registry, linker)
    return InputView(
        i.name,
        quantity(i.value, i.low, i.high, i.unit),
        i.origin,
        href,
        label,
        links_for(i.sources, known),
        i.note,
        i.rule,
    )


def metric_view(m: Metric, model_sources: Mapping[str, Source], book: SourceBook, linker: Linker) -> MetricView:
    """A derived metric with its inputs and their sources resolved for printing."""
    inputs = [book.input_view(i, model_sources, linker) for i in m.inputs]
    estimate = metric_view(m.estimate, model_sources, book, linker) if m.estimate is not None else None
    return MetricView(
        m.name,
        catalogue.metric(m.name).label,
        quantity(m.value, m.low, m.high, m.unit, m.method != "reported", m.method == "estimated"),
        m.method,
        m.path,
        m.formula,
        tuple(inputs),
        links_for(m.sources, model_sources),
        m.note,
        estimate,
        confidence=m.confidence,
        scope=SCOPES.get(m.scope, m.scope) if m.scope else None,
        study=from_peer_reviewed_study(m.method, m.sources, model_sources),
    )


def missing_view(name: str, reason: str) -> MetricView:
    """A metric nobody published and the builder could not estimate: unknown, with the reason."""
    row = catalogue.metric(name)
    return MetricView(name, row.label, quantity(None, unit=row.unit), "unknown", "", "", (), (), None, missing=reason)


def status_state(value: str) -> str:
    """An openness status as a checklist state."""
    if value in OPEN_STATUSES:
        return "yes"
    if value in PARTIAL_STATUSES:
        return "partial"
    if value == "unknown":
        return "unknown"
    return "no"


def _status_check(label: str, st: Status | None, known: Mapping[str, Source], licence: bool = False) -> Check:
    """One checklist line from a sourced status; absent means unknown."""
    if st is None:
        return Check(label, "unknown", "unknown")
    state = "yes" if licence else status_state(st.value)
    return Check(label, state, st.value, links_for(st.sources, known), st.note)


def openness_checks(model: Model, known: Mapping[str, Source]) -> list[Check]:
    """The openness checklist: every status and licence field, unknown when absent."""
    return [
        _status_check(label, model.openness.get(key), known, licence=key.endswith("_license"))
        for key, label in OPENNESS_LABELS.items()
    ]


def access_checks(model: Model, report: ModelReport, known: Mapping[str, Source]) -> list[Check]:
    """The access checklist: gating, free tier, price, providers, excluded countries."""
    a, summary = model.access, report.access
    out = [_status_check("Gating", a.gating, known), _status_check("Free tier", a.free_tier, known)]
    out[0] = Check(
        "Gating",
        "unknown" if a.gating is None else ("yes" if a.gating.value in ("none", "open") else "partial"),
        a.gating.value if a.gating else "unknown",
        out[0].sources,
        out[0].note,
    )
    if a.free_tier is not None:
        out[1] = Check(
            "Free tier",
            "yes" if a.free_tier.value in ("yes", "true", "available") else "no",
            a.free_tier.value,
            out[1].sources,
            out[1].note,
        )
    if a.price is not None:
        price = (
            f"${number(a.price.input)} input / ${number(a.price.output)} output per million tokens "
            f"(as of {a.price.as_of})"
        )
        out.append(Check("API price", "yes", price, links_for(a.price.sources, known), a.price.note))
    else:
        out.append(Check("API price", "unknown", "unknown"))
    out.append(Check("Providers", "yes" if a.providers else "unknown", ", ".join(a.providers) or "unknown"))
    if a.unavailable_in:
        out.append(
            Check(
                "Unavailable in",
                "partial",
                ", ".join(summary.unavailable_in),
                links_for((s for u in a.unavailable_in for s in u.sources), known),
            )
        )
    return out


def _names(ids: Sequence[str], records: Mapping[str, Any], kind: str, linker: Linker) -> tuple[Ref, ...]:
    """Links to records by id, named by the record's name when it exists."""
    return tuple(Ref(linker.page(kind, i), records[i].name if i in records else i) for i in ids)


def cite_text(model: Model, site_name: str, site_url: str) -> str:
    """A citation line for the entry."""
    year = year_of(model.released)
    where = f"{site_url.rstrip('/')}/models/{model.id}/" if site_url else f"models/{model.id}/"
    released = f", released {year}" if year else ""
    return f"{site_name} contributors. “{model.name}” (entry {model.id}{released}). {site_name}, {where}"


def model_view(
    report: ModelReport, registry: Registry, settings: Mapping[str, str], claims: list[Ref], book: SourceBook
) -> ModelView:
    """The model page's content, from the model's report and the records it points at (`book`: one for every page of
    a build)."""
    m = report.model
    linker = Linker("../../")
    known = m.all_sources()
    t = m.training
    facts = [
        ("Released", m.released or "unknown"),
        ("Domains", ", ".join(m.domains) or "unknown"),
        ("Parameters", _fact(m.parameters, PARAMETERS)),
    ]
    if m.active_parameters is not None:
        facts.append(("Active parameters", _fact(m.active_parameters, PARAMETERS)))
    facts += [("Architecture", m.architecture or "unknown"), ("Training tokens", _fact(t.tokens, PARAMETERS))]
    facts.append(("Accelerator count", _fact(t.accelerator_count)))
    facts.append(("Training duration", _fact(t.duration_hours, "h")))
    if t.scope:
        facts.append(("Training figures cover", SCOPES.get(t.scope, t.scope)))
    loc = t.location
    facts.append(
        ("Training location", ", ".join(x for x in (loc.datacenter, loc.cloud, loc.country) if x) or "unknown")
    )
    fact_links: list[tuple[str, Ref]] = []
    if t.accelerator:
        fact_links.append(("Accelerator", _names([t.accelerator], registry.hardware, "hardware", linker)[0]))
    if loc.grid:
        fact_links.append(("Electricity grid", _names([loc.grid], registry.grids, "grids", linker)[0]))
    metrics = [
        metric_view(report.training.metrics[n], known, book, linker)
        if n in report.training.metrics
        else missing_view(n, report.training.missing.get(n, "not reported"))
        for n in TRAINING_METRICS
    ]
    equivalents = [metric_view(e, known, book, linker) for e in report.equivalents.values()]
    memory = [(f"{need.bits}-bit", f"{number(need.gigabytes)} GB", need.fits) for need in report.access.memory]
    o = report.openness
    fields = len(registry.openness_scoring.get("status_fields") or ()) or 1
    counts_unknown = "unknown_counts_as" in registry.openness_scoring
    openness_facts = [
        (
            "Coverage",
            f"{len(o.counted)} of {fields} status fields known"
            + ("; the unknown ones count as closed" if counts_unknown and len(o.counted) < fields else ""),
        )
    ]
    openness_facts.append(("Model Openness Framework class", o.mof_class or "none reached"))
    openness_facts.append(("Open Source AI Definition 1.0", "met" if o.osaid_met else "not met"))
    transparency = [
        Check(label, "yes" if done else "no", "disclosed" if done else "not disclosed")
        for _, label, done in report.transparency.items
    ]
    repo = settings.get("repo_url", "")
    correction = None
    if safe_url(repo):
        entry = repository_path(registry, "models", m.id)
        body = f"Entry: {entry}\nPage: models/{m.id}/\n\nWhat is wrong, and the source that shows it:\n"
        correction = f"{repo.rstrip('/')}/issues/new?title={quote(f'Correction: {m.id}')}&body={quote(body)}"
    return ModelView(
        id=m.id,
        name=m.name,
        aliases=m.aliases,
        description=m.description,
        organizations=_names(m.organizations, registry.organizations, "organizations", linker),
        facts=facts,
        fact_links=fact_links,
        metrics=metrics,
        equivalents=equivalents,
        access=access_checks(m, report, known),
        memory=memory,
        openness=openness_checks(m, known),
        openness_score=quantity(o.score, unit="/ 100"),
        openness_facts=openness_facts,
        transparency=transparency,
        transparency_share=f"{report.transparency.share:.0%}",
        sources=[source_link(s) for s in known.values()],
        links=[(k, u) for k, v in m.links.items() if (u := safe_url(v))],
        note=m.note,
        yaml_name=f"{m.id}.yaml",
        json_name=f"../../api/models/{m.id}.json",
        cite=cite_text(m, settings.get("site_name", "AI Impact Registry"), settings.get("site_url", "")),
        correction_url=correction,
        path=repository_path(registry, "models", m.id),
        claims=claims,
        inference=[disclosure_view(n, position, known) for position, n in enumerate(report.inference, 1)],
        inference_derived=inference_metrics(report, known, book, linker),
        lifecycle=[lifecycle_view(lc, position, known) for position, lc in enumerate(m.lifecycle, 1)],
        openness_only=report.openness_only,
        relations=relation_links(m, registry, linker),
        former_ids=m.former_ids,
    )


def _q(q: Quantity) -> str:
    """A quantity as one line of text."""
    text = q.value + (f" {q.unit}" if q.unit and q.value != "unknown" else "") + (f" ({q.range})" if q.range else "")
    return ("≈ " if q.estimated else "") + text


def _fact(fig: Figure | None, unit: str = "") -> str:
    """A record's figure as a key fact, saying whose estimate it is when it is not the developer's own count."""
    return _q(figure_quantity(fig, unit)) + provenance_words(fig)


def printed(q: Quantity) -> str:
    """A quantity as one line of text: '≈ 1.29 GWh (1.1–1.5)' or 'unknown'."""
    return _q(q)


SCOPE_PARTS = {
    "accelerators": "accelerators",
    "host": "host CPU and memory",
    "idle-capacity": "idle capacity",
    "cooling": "cooling and data-centre overhead (PUE)",
    "network": "network",
    "end-user-device": "end-user device",
    "embodied-hardware": "embodied hardware (manufacturing)",
    "water-on-site": "on-site water (cooling)",
    "water-off-site": "off-site water (electricity generation)",
}
PHASES = {"training": "training", "inference": "inference (use)"}
KIND_LABELS = {
    "measured": "measured",
    "estimated": "estimated by the source",
    "vendor-statement": "vendor statement (no published method)",
}
ACCOUNTING_LABELS = {
    "location": "location-based (grid average)",
    "market": "market-based (after clean-energy purchases)",
}


@dataclass(frozen=True)
class ScopeView:
    """What a figure includes and, as visibly, what it leaves out; `stated` is False when the source gives no scope."""

    stated: bool
    included: tuple[str, ...]
    excluded: tuple[str, ...]


def scope_view(parts: Sequence[str], phases: bool = False) -> ScopeView:
    """The parts of the system boundary in and out of a scope, in a fixed order so scopes read alike side by side."""
    names = {**(PHASES if phases else {}), **SCOPE_PARTS}
    given = set(parts)
    return ScopeView(
        bool(given),
        tuple(label for key, label in names.items() if key in given),
        tuple(label for key, label in names.items() if key not in given),
    )


def accounting_label(accounting: str | None) -> str:
    """How emissions were accounted, or 'not stated'."""
    return ACCOUNTING_LABELS.get(accounting or "", "not stated")


@dataclass(frozen=True)
class FigureLine:
    """One disclosed quantity per query and per 1,000 output tokens, with the figure's own sources and note."""

    label: str
    per_query: Quantity
    per_1000_tokens: Quantity
    sources: tuple[Link, ...]
    note: str | None


@dataclass(frozen=True)
class DisclosureView:
    """One published per-query figure as the model page and the inference page print it."""

    position: int
    query: str
    kind: str
    kind_label: str
    output_tokens: str
    queries: str
    figures: tuple[FigureLine, ...]
    per_token_reason: str | None
    accounting: str
    scope: ScopeView
    hardware: str
    measured_on: str
    note: str | None
    sources: tuple[Link, ...]

    def figure(self, label: str) -> FigureLine:
        """The line of one quantity, by its label."""
        return next(f for f in self.figures if f.label == label)


def _scaled(fig: Figure | None, factor: float | None, unit: str) -> Quantity:
    """A figure times a factor, its range too; unknown when the figure or the factor is."""
    if fig is None or factor is None:
        return quantity(None, unit=unit)
    return quantity(
        fig.value * factor,
        None if fig.low is None else fig.low * factor,
        None if fig.high is None else fig.high * factor,
        unit,
        fig.estimated,
    )


def _own_sources(fig: Figure | None, shared: Sequence[str], known: Mapping[str, Source]) -> tuple[Link, ...]:
    """A figure's sources when they differ from those of its disclosure or assessment (listed once below it)."""
    if fig is None or tuple(fig.sources) == tuple(shared):
        return ()
    return links_for(fig.sources, known)


def disclosure_view(n: inference.Normalised, position: int, known: Mapping[str, Source]) -> DisclosureView:
    """A disclosure with every quantity per query and, when the token count is known, per 1,000 output tokens
    (unknown otherwise)."""
    d: Disclosure = n.disclosure
    per_tokens = inference.TOKENS_PER_UNIT / d.output_tokens if d.output_tokens else None
    lines = []
    for row in catalogue.group(catalogue.DISCLOSURE):
        fig: Figure | None = getattr(d, row.name)
        lines.append(
            FigureLine(
                row.label,
                _scaled(fig, 1 / d.queries, row.unit),
                _scaled(fig, per_tokens, row.unit),
                _own_sources(fig, d.sources, known),
                fig.note if fig else None,
            )
        )
    return DisclosureView(
        position,
        d.query,
        d.kind,
        KIND_LABELS.get(d.kind, d.kind),
        number(d.output_tokens),
        number(d.queries),
        tuple(lines),
        n.per_token_reason,
        accounting_label(d.accounting),
        scope_view(d.scope),
        d.hardware or "unknown",
        d.measured_on or "unknown",
        d.note,
        links_for(d.sources, known),
    )


@dataclass(frozen=True)
class LifecycleView:
    """One life-cycle assessment: period, boundary, totals, method and who assessed it."""

    position: int
    period: str
    boundary: ScopeView
    totals: tuple[tuple[str, Quantity, tuple[Link, ...], str | None], ...]
    methodology: str
    assessed_by: str
    note: str | None
    sources: tuple[Link, ...]


def lifecycle_view(lc: Lifecycle, position: int, known: Mapping[str, Source]) -> LifecycleView:
    """A life-cycle assessment with its boundary read as included and not included parts; unknown totals say unknown."""
    totals = []
    for row in catalogue.group(catalogue.LIFECYCLE):
        fig: Figure | None = getattr(lc, row.name)
        totals.append(
            (row.label, figure_quantity(fig, row.unit), _own_sources(fig, lc.sources, known), fig.note if fig else None)
        )
    return LifecycleView(
        position,
        lc.period,
        scope_view(lc.boundary, phases=True),
        tuple(totals),
        lc.methodology or "unknown",
        lc.assessed_by or "unknown",
        lc.note,
        links_for(lc.sources, known),
    )


def inference_metrics(
    report: ModelReport, known: Mapping[str, Source], book: SourceBook, linker: Linker
) -> list[MetricView]:
    """The inference metrics in catalogue order: the EcoLogits-method estimate (or why it is absent) and the break-even
    queries when both sides are known."""
    out = []
    for name in catalogue.names(catalogue.INFERENCE):
        if name in report.metrics:
            out.append(metric_view(report.metrics[name], known, book, linker))
        elif name in report.missing:
            out.append(missing_view(name, report.missing[name]))
    return out


@dataclass(frozen=True)
class InferenceRow:
    """One disclosure on the inference page, linked to its place on the model page."""

    model: Ref
    href: str
    disclosure: DisclosureView


@dataclass(frozen=True)
class InferenceGroup:
    """Disclosures with the same scope and accounting: these compare; `versus` says why the other groups do not."""

    number: int
    scope: ScopeView
    accounting: str
    rows: tuple[InferenceRow, ...]
    caveats: tuple[str, ...]
    versus: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True)
class InferencePage:
    """The inference comparison page: every disclosed per-query figure, grouped by what it counts."""

    groups: tuple[InferenceGroup, ...]
    disclosures: int
    models: int
    vendor_statements: int
    methodology_href: str


def _reasons(pairs: Iterable[tuple[Disclosure, Disclosure]]) -> tuple[str, ...]:
    """Every distinct reason the pairs cannot be compared, in the order first met."""
    return tuple(dict.fromkeys(r for a, b in pairs for r in inference.comparability(a, b)[1]))


def inference_page(reports: Mapping[str, ModelReport]) -> InferencePage:
    """All disclosures side by side in (scope, accounting) groups, with every reason a figure does not compare with
    another."""
    linker = Linker("../")
    listed = sorted(
        (
            (r.model.name.lower(), mid, position, d)
            for mid, r in reports.items()
            for position, d in enumerate(r.model.inference, 1)
        ),
        key=lambda item: (item[0], item[1], item[2]),
    )
    where = {id(d): (mid, position) for _, mid, position, d in listed}
    found = inference.groups((mid, d) for _, mid, _, d in listed)
    members = [[n.disclosure for _, n in items] for items in found.values()]
    out = []
    for number_, ((scope, accounting), items) in enumerate(found.items(), 1):
        rows = []
        for mid, n in items:
            position = where[id(n.disclosure)][1]
            report = reports[mid]
            view = disclosure_view(n, position, report.model.all_sources())
            rows.append(
                InferenceRow(
                    Ref(linker.page("models", mid), report.model.name),
                    f"{linker.page('models', mid)}#inference-{position}",
                    view,
                )
            )
        mine = members[number_ - 1]
        caveats = _reasons((a, b) for i, a in enumerate(mine) for b in mine[i + 1 :])
        versus = tuple(
            (
                other,
                _reasons((a, b) for a in mine for b in theirs)
                or (
                    f"emissions accounting differs ({accounting_label(accounting)} in the first, "
                    f"{accounting_label(theirs[0].accounting)} in the second): energy and water may compare, "
                    "emissions do not",
                ),
            )
            for other, theirs in enumerate(members, 1)
            if other != number_
        )
        out.append(
            InferenceGroup(number_, scope_view(scope), accounting_label(accounting), tuple(rows), caveats, versus)
        )
    return InferencePage(
        tuple(out),
        len(listed),
        len({mid for _, mid, _, _ in listed}),
        sum(1 for *_, d in listed if d.kind == "vendor-statement"),
        linker.methodology("inference-estimate"),
    )


@dataclass
class EntityView:
    """An organization, hardware, grid or claim page: facts, an optional table, the models that refer to it, sources."""

    kind: str
    id: str
    name: str
    path: str
    facts: list[tuple[str, str]]
    url: str | None = None
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    table_caption: str = ""
    table_head: tuple[str, ...] = ()
    table_rows: Sequence[tuple[str, ...]] = field(default_factory=list)
    models_heading: str = "Models"
    models: list[Ref] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    verdict: Verdict | None = None  # a claim's, shown first
    lead: str | None = None  # a claim's one-paragraph explanation, right after its verdict


def models_referring(registry: Registry, folder: str, id_: str) -> list[Ref]:
    """The models pointing at the record `id_` of `folder`, as links from its entity page, by name."""
    linker = Linker("../../")
    found = registry.referring.get((folder, id_), ())
    return [Ref(linker.page("models", m.id), m.name) for m in sorted(found, key=lambda m: m.name.lower())]


def repository_path(registry: Registry, folder: str, record_id: str) -> str:
    """A record's file as pages show it: from the registry folder's name (`registry/models/x.yaml`), never the
    machine's path or one relative to where the build ran."""
    return f"{_registry_name(registry.root)}/{folder}/{record_id}.yaml"


@functools.lru_cache(maxsize=8)
def _registry_name(root: Path) -> str:
    """The registry folder's own name (resolved once per build: "." or "../registry" name it only after resolving)."""
    return root.resolve().name or "registry"


def organization_view(org_id: str, registry: Registry) -> EntityView:
    """An organization page: facts, website and the models it developed."""
    o = registry.organizations[org_id]
    facts = [("Kind", o.kind or "unknown"), ("Country", o.country or "unknown")]
    if o.aliases:
        facts.append(("Also known as", ", ".join(o.aliases)))
    if o.former_ids:
        facts.append(("Former ids", ", ".join(o.former_ids)))
    return EntityView(
        "organizations",
        o.id,
        o.name,
        repository_path(registry, "organizations", o.id),
        facts,
        safe_url(o.url),
        models_heading="Models developed",
        models=models_referring(registry, "organizations", org_id),
        sources=[source_link(s) for s in o.sources],
    )


def hardware_view(hw_id: str, registry: Registry) -> EntityView:
    """A hardware page: facts, peak throughput by precision and the models trained on it."""
    h = registry.hardware[hw_id]
    known = {s.id: s for s in h.sources}
    facts = [
        ("Vendor", h.vendor or "unknown"),
        ("Kind", h.kind),
        ("Released", h.released or "unknown"),
        ("Thermal design power", printed(figure_quantity(h.tdp_w, "W"))),
        ("Memory", printed(figure_quantity(h.memory_gb, "GB"))),
    ]
    if h.aliases:
        facts.append(("Also known as", ", ".join(h.aliases)))
    rows = [
        (
            precision,
            printed(figure_quantity(fig, "FLOP/s")),
            ", ".join(link.title for link in links_for(fig.sources, known)),
        )
        for precision, fig in sorted(h.peak_flops.items())
    ]
    return EntityView(
        "hardware",
        h.id,
        h.name,
        repository_path(registry, "hardware", h.id),
        facts,
        table_caption="Peak dense throughput by precision",
        table_head=("Precision", "Peak", "Source"),
        table_rows=rows,
        models_heading="Models trained on it",
        models=models_referring(registry, "hardware", hw_id),
        sources=[source_link(s) for s in h.sources],
    )


def grid_view(grid_id: str, registry: Registry) -> EntityView:
    """A grid page: facts, carbon intensity by year and the models trained on it."""
    g = registry.grids[grid_id]
    known = {s.id: s for s in g.sources}
    facts = [
        ("Kind", g.kind or "unknown"),
        ("Country", g.country or "unknown"),
        ("Provider", g.provider or "unknown"),
        ("Data-centre PUE", printed(figure_quantity(g.pue))),
    ]
    rows = [
        (
            str(i.year),
            printed(quantity(i.g_per_kwh, i.low, i.high, "gCO2e/kWh")),
            i.basis or "",
            ", ".join(link.title for link in links_for(i.sources, known)),
        )
        for i in sorted(g.intensity, key=lambda i: i.year)
    ]
    return EntityView(
        "grids",
        g.id,
        g.name,
        repository_path(registry, "grids", g.id),
        facts,
        table_caption="Carbon intensity of electricity by year",
        table_head=("Year", "Intensity", "Basis", "Source"),
        table_rows=rows,
        models_heading="Models trained on it",
        models=models_referring(registry, "grids", grid_id),
        sources=[source_link(s) for s in g.sources],
    )


VERDICTS = {  # a claim's verdict: its label and what it means, in the order the claims index explains them
    "accurate": ("Accurate", "the figure holds, for what its source measured"),
    "misattributed": ("Misattributed", "the figure is real but is credited to something it did not measure"),
    "out-of-context": (
        "Out of context",
        "the figure is fair for what it measured; repetitions drop its caveats or scope",
    ),
    "outdated": ("Outdated", "it held for older systems or data; newer figures differ"),
    "unsupported": ("Unsupported", "no published method or data backs the figure"),
    "contested": ("Contested", "published estimates disagree and none settles it"),
}


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict as a badge: its key (the badge's style), label and meaning."""

    key: str
    label: str
    meaning: str


def verdict(key: str) -> Verdict:
    """The verdict's badge; an unknown key is shown as it is."""
    label, meaning = VERDICTS.get(key, (key, ""))
    return Verdict(key, label, meaning)


def claim_view(claim_id: str, registry: Registry) -> EntityView:
    """A claim page: the claim, where it comes from, the verdict, its figures and related models."""
    c = registry.claims[claim_id]
    data = c.data
    known = {s.id: s for s in c.sources}
    origin = data.get("origin") or {}
    facts = []
    if isinstance(origin, Mapping):
        facts += [
            (label, str(origin[key]))
            for key, label in (("who", "Origin: who"), ("where", "Origin: where"), ("when", "Origin: when"))
            if origin.get(key)
        ]
    variants = [
        f"“{v['text']}”" + (f" ({v['appeared_in']})" if v.get("appeared_in") else "")
        for v in data.get("variants") or []
        if isinstance(v, Mapping) and v.get("text")
    ]
    paragraphs = [("The claim", c.statement)]
    if variants:
        paragraphs.append(("How it is repeated", "; ".join(variants)))
    paragraphs += [
        (label, str(data[key]))
        for key, label in (("what_it_measured", "What it measured"), ("note", "Note"))
        if data.get(key)
    ]
    rows = [
        (
            str(f.get("label", "")),
            f"{number(f['value'])} {f.get('unit', '')}".strip(),
            ", ".join(
                link.title
                for link in links_for(
                    [f["source"]] if isinstance(f.get("source"), str) else f.get("source") or [], known
                )
            ),
        )
        for f in data.get("figures") or []
        if isinstance(f, Mapping) and isinstance(f.get("value"), int | float)
    ]
    linker = Linker("../../")
    return EntityView(
        "claims",
        c.id,
        c.title,
        repository_path(registry, "claims", c.id),
        facts,
        paragraphs=paragraphs,
        verdict=verdict(c.verdict),
        lead=str(data["explanation"]) if data.get("explanation") else None,
        table_caption="Figures",
        table_head=("Figure", "Value", "Source"),
        table_rows=rows,
        models_heading="Related models",
        models=[
            Ref(linker.page("models", i), registry.models[i].name) for i in c.related_models if i in registry.models
        ],
        sources=[source_link(s) for s in c.sources],
    )


@dataclass(frozen=True)
class CoverageRow:
    """One model of the coverage page: its link, and per figure the state and the value shown."""

    rank: int
    model: Ref
    cells: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CoveragePage:
    """The models with the most training compute: what is disclosed, estimated and unknown; registry-wide counts."""

    top: int
    columns: tuple[str, ...]
    rows: tuple[CoverageRow, ...]
    tally: tuple[tuple[str, tuple[int, ...]], ...]
    states: tuple[str, ...]
    counts: coverage.Counts
    models: int


def coverage_page(reports: Mapping[str, ModelReport]) -> CoveragePage:
    """The coverage table (rank, model, each figure's state and value) with a per-column tally of states."""
    linker = Linker("../")
    rows = coverage.top_rows(reports)
    shown = tuple(
        CoverageRow(
            n,
            Ref(linker.page("models", r.model_id), r.name),
            tuple((c.state, "" if c.value is None else number(c.value)) for c in r.cells),
        )
        for n, r in enumerate(rows, 1)
    )
    tally = tuple((label, tuple(by_state.values())) for label, by_state in coverage.tally(rows).items())
    models = {mid: r.model for mid, r in reports.items()}
    columns = tuple(coverage.heading(label, unit) for _, label, unit in coverage.FIELDS)
    return CoveragePage(coverage.TOP, columns, shown, tally, coverage.STATES, coverage.counts(models), len(models))


@dataclass(frozen=True)
class QueryAnswer:
    """One published per-query figure for the home page: model, what was measured, energy, emissions, water, kind,
    scope."""

    model: Ref
    query: str
    kind: str
    kind_label: str
    energy: Quantity
    emissions: Quantity
    water: Quantity
    scope: str


def query_answers(reports: Mapping[str, ModelReport], root: str = "") -> list[QueryAnswer]:
    """What one query costs by every published figure, measured ones first: the home page's quick answer."""
    order = {"measured": 0, "estimated": 1, "vendor-statement": 2}
    out = []
    for mid, r in reports.items():
        for n in r.inference:
            view = disclosure_view(n, 0, r.model.all_sources())
            scope = ", ".join(view.scope.included) if view.scope.stated else "not stated"
            out.append(
                QueryAnswer(
                    Ref(f"{root}models/{mid}/", r.model.name),
                    view.query,
                    view.kind,
                    view.kind_label,
                    view.figure("Energy").per_query,
                    view.figure("Emissions").per_query,
                    view.figure("Water").per_query,
                    scope,
                )
            )
    return sorted(out, key=lambda a: (order.get(a.kind, 3), a.model.label.lower(), a.query))


def model_summary(m: Model, registry: Registry) -> str:
    """A model page's description for link previews, from the entry's own published figures (no derivation, so the
    page list stays fast): who, when, and the training emissions, energy or compute a source published."""
    orgs = ", ".join(registry.organizations[o].name if o in registry.organizations else o for o in m.organizations)
    who = f"{m.name}" + (f" by {orgs}" if orgs else "") + (f", released {m.released[:4]}" if m.released else "")
    t = m.training
    for name, what in (
        ("emissions_tco2e", "training emissions"),
        ("energy_mwh", "training energy"),
        ("compute_flop", "training compute"),
    ):
        fig: Figure | None = getattr(t, name)
        if fig is not None:
            how = "the source's estimate" if fig.estimated else "as published"
            return f"{who}: {what} {figure(fig.value, catalogue.metric(name).unit, fig.low, fig.high)}, {how}."
    return f"{who}: training compute, energy, emissions, openness and access."
