"""The plain-text view of one model for `python -m builder show`: every metric with method, range and inputs."""

from __future__ import annotations

from builder.derived import ModelReport
from builder.formatting import plain as number
from builder.formatting import span
from builder.metrics import Metric


def _metric_lines(m: Metric, indent: str = "  ") -> list[str]:
    how = m.method if m.path == "reported" else f"{m.method}: {m.path}"
    lines = [f"{indent}{m.name}: {span(m.value, m.low, m.high)} {m.unit}  [{how}]"]
    if m.method == "reported":
        lines.append(f"{indent}  source: {', '.join(m.sources) or 'the entry'}" + (f"; note: {m.note}" if m.note else ""))
    else:
        lines.append(f"{indent}  formula: {m.formula}")
        for i in m.inputs:
            origin = f"{i.origin} {i.ref}".strip()
            cited = f"; sources: {', '.join(i.sources)}" if i.sources else ""
            lines.append(f"{indent}    {i.name} = {span(i.value, i.low, i.high)} {i.unit} ({origin}{cited})")
    if m.estimate is not None:
        lines.append(f"{indent}  independent estimate:")
        lines += _metric_lines(m.estimate, indent + "    ")
    return lines


def show_text(r: ModelReport) -> str:
    m = r.model
    lines = [f"{m.name} ({m.id})", f"  file: {m.path}"]
    if m.organizations:
        lines.append(f"  organization: {', '.join(m.organizations)}")
    if m.released:
        lines.append(f"  released: {m.released}")
    if m.parameters is not None:
        lines.append(f"  parameters: {number(m.parameters.value)}")
    lines.append("training metrics:")
    for metric in r.training.metrics.values():
        lines += _metric_lines(metric)
    for name, reason in r.training.missing.items():
        lines.append(f"  {name}: unknown ({reason})")
    if r.equivalents:
        lines.append("equivalents:")
        for metric in r.equivalents.values():
            lines.append(f"  {span(metric.value, metric.low, metric.high)} {metric.unit}  [{metric.formula}]")
    lines.append("access:")
    for need in r.access.memory:
        lines.append(f"  weights at {need.bits}-bit: {number(need.gigabytes)} GB, fits {need.fits}")
    lines.append(f"  weights: {r.access.weights or 'unknown'}; gating: {r.access.gating or 'unknown'}")
    if r.access.cheapest_input_usd_per_million is not None or r.access.cheapest_output_usd_per_million is not None:
        lines.append(f"  API price: ${number(r.access.cheapest_input_usd_per_million)} in / "
                     f"${number(r.access.cheapest_output_usd_per_million)} out per million tokens (as of {r.access.price_as_of})")
    if r.access.unavailable_in:
        lines.append(f"  unavailable in: {', '.join(r.access.unavailable_in)}")
    o = r.openness
    lines.append(f"openness: {'unknown' if o.score is None else number(o.score)} / 100 (coverage {o.coverage:.0%})")
    t = r.transparency
    lines.append(f"transparency: {t.share:.0%} of key figures disclosed (" +
                 ", ".join(f"{label}: {'yes' if done else 'no'}" for _, label, done in t.items) + ")")
    return "\n".join(lines) + "\n"
