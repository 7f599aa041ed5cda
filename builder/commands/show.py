"""The plain-text view of one model for `python -m builder show`: every metric with method, range and inputs."""

from __future__ import annotations

from collections.abc import Mapping

from builder.derive.derived import ModelReport
from builder.derive.metrics import METHODS, SCOPES, Metric
from builder.formatting import plain as number
from builder.formatting import span
from builder.records.registry import Registry
from builder.records.types import RELATIONS, Figure, Model, Source, from_peer_reviewed_study

INCOMING = {"base_model": "fine-tunes", "variant_of": "variants", "family": "family members"}


def _how(method: str, path: str, confidence: str | None, study: bool = False) -> str:
    """The bracketed method: '[reported]', '[estimated: 6ND]', '[third-party-estimate, confidence: Likely]'; a
    peer-reviewed study's estimate says so."""
    how = method
    if method == "estimated":
        how = f"{method}: {path}"
    elif study:
        how = f"{method}: a peer-reviewed study's estimate"
    return f"[{how}" + (f", confidence: {confidence}" if confidence else "") + "]"


def _likely(m: Metric) -> str:
    """An estimate's value with its likely range (90%), the hull beside it; a reported figure with its own range."""
    if m.method != "estimated" or m.low == m.high:
        return f"{span(m.value, m.low, m.high)} {m.unit}"
    hull_low, hull_high = m.hull
    return (
        f"{number(m.value)} {m.unit}, likely range (90%) {number(m.low)}-{number(m.high)} "
        f"(extremes {number(hull_low)}-{number(hull_high)})"
    )


def _scope(scope: str) -> str:
    """A training scope with what it covers: 'with-base-model (the fine-tune plus its base model's pretraining)'."""
    return f"{scope} ({SCOPES[scope]})" if scope in SCOPES else scope


def _metric_lines(m: Metric, indent: str = "  ", known: Mapping[str, Source] | None = None) -> list[str]:
    how = _how(m.method, m.path, m.confidence, from_peer_reviewed_study(m.method, m.sources, known or {}))
    lines = [f"{indent}{m.name}: {_likely(m)}  {how}"]
    if m.scope is not None:
        lines.append(f"{indent}  scope: {_scope(m.scope)}")
    if m.sourced:
        lines.append(
            f"{indent}  source: {', '.join(m.sources) or 'the entry'}" + (f"; note: {m.note}" if m.note else "")
        )
    else:
        lines.append(f"{indent}  formula: {m.formula}")
        for i in m.inputs:
            origin = f"{i.origin} {i.ref}".strip()
            cited = f"; sources: {', '.join(i.sources)}" if i.sources else ""
            rule = f"; rule: {i.rule}" if i.rule else ""
            lines.append(f"{indent}    {i.name} = {span(i.value, i.low, i.high)} {i.unit} ({origin}{cited}{rule})")
    if m.estimate is not None:
        lines.append(f"{indent}  independent estimate:")
        lines += _metric_lines(m.estimate, indent + "    ")
    if m.holdout is not None:
        h = m.holdout
        lines.append(
            f"{indent}  holdout (estimated as if no energy, emissions, power, PUE or location were published): "
            f"{number(h.value)} {h.unit}, likely range (90%) {number(h.low)}-{number(h.high)} [{h.path}]"
        )
    return lines


def _figure_lines(r: ModelReport) -> list[str]:
    """The record's own size and training figures, each with who stands behind it."""
    m, t = r.model, r.model.training
    named: tuple[tuple[str, Figure | None, str], ...] = (
        ("parameters", m.parameters, ""),
        ("active_parameters", m.active_parameters, ""),
        ("tokens", t.tokens, ""),
        ("accelerator_count", t.accelerator_count, ""),
        ("duration_hours", t.duration_hours, " h"),
    )
    return [
        f"  {name}: {span(fig.value, *fig.bounds)}{unit}  {_how(fig.provenance, '', fig.confidence)}"
        for name, fig, unit in named
        if fig is not None
    ]


def relations(m: Model, registry: Registry) -> Mapping[str, str | list[str]]:
    """The model's relations both ways: the ids it names (base_model, variant_of, family) and the ids naming it."""
    out: dict[str, str | list[str]] = {r: target for r in RELATIONS if (target := getattr(m, r))}
    for relation, label in INCOMING.items():
        others = [o.id for o in registry.related.get((relation, m.id), ())]
        if others:
            out[label] = others
    if m.former_ids:
        out["former_ids"] = list(m.former_ids)
    return out


def show_text(r: ModelReport, registry: Registry | None = None) -> str:
    m = r.model
    lines = [f"{m.name} ({m.id})", f"  file: {m.path}"]
    if m.organizations:
        lines.append(f"  organization: {', '.join(m.organizations)}")
    for label, ids in (relations(m, registry) if registry is not None else {}).items():
        lines.append(f"  {label.replace('_', ' ')}: {ids if isinstance(ids, str) else ', '.join(ids)}")
    if m.released:
        lines.append(f"  released: {m.released}")
    lines += _figure_lines(r)
    lines.append("training metrics:")
    if r.model.training.scope is not None:
        lines.append(f"  scope of the training figures: {_scope(r.model.training.scope)}")
    known = m.all_sources()
    for metric in r.training.metrics.values():
        lines += _metric_lines(metric, known=known)
    for name, reason in r.training.missing.items():
        lines.append(f"  {name}: unknown ({reason})")
    if r.equivalents:
        lines.append("equivalents:")
        for metric in r.equivalents.values():
            lines.append(f"  {_likely(metric)}  [{metric.formula}]")
    lines.append("access:")
    for need in r.access.memory:
        lines.append(f"  weights at {need.bits}-bit: {number(need.gigabytes)} GB, fits {need.fits}")
    lines.append(f"  weights: {r.access.weights or 'unknown'}; gating: {r.access.gating or 'unknown'}")
    if r.access.cheapest_input_usd_per_million is not None or r.access.cheapest_output_usd_per_million is not None:
        lines.append(
            f"  API price: ${number(r.access.cheapest_input_usd_per_million)} in / "
            f"${number(r.access.cheapest_output_usd_per_million)} out per million tokens (as of {r.access.price_as_of})"
        )
    if r.access.unavailable_in:
        lines.append(f"  unavailable in: {', '.join(r.access.unavailable_in)}")
    o = r.openness
    lines.append(f"openness: {'unknown' if o.score is None else number(o.score)} / 100 (coverage {o.coverage:.0%})")
    if r.openness_only:
        lines.append("  openness data only: no release date, parameters, training or inference figures, or access")
    t = r.transparency
    lines.append(
        f"transparency: {t.share:.0%} of key figures disclosed ("
        + ", ".join(f"{label}: {'yes' if done else 'no'}" for _, label, done in t.items)
        + ")"
    )
    lines.append("methods:")
    lines += [f"  {name}: {meaning}" for name, meaning in METHODS.items()]
    return "\n".join(lines) + "\n"
