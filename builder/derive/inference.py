"""Per-query inference figures made comparable where they can be, and flagged loudly where they cannot (pure, no
I/O)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from builder.derive.metrics import Context, Input, Metric, figure_input, rng
from builder.derive.ranges import Range
from builder.records import catalogue
from builder.records.assumption_names import ECOLOGITS, SERVING
from builder.records.types import Disclosure, Figure, Model

TOKENS_PER_UNIT = 1000
GRAMS_PER_TONNE = 1e6
FIGURES = catalogue.names(catalogue.DISCLOSURE)  # a disclosure's figures, normalised per query and per output tokens


@dataclass(frozen=True)
class Normalised:
    """A disclosure's figures per query and, when the token count is known, per 1,000 output tokens."""

    disclosure: Disclosure
    per_query: dict[str, float]
    per_1000_tokens: dict[str, float]
    per_token_reason: str | None

    @property
    def group(self) -> tuple[tuple[str, ...], str | None]:
        """Figures are comparable like for like only within the same scope and accounting."""
        return tuple(sorted(self.disclosure.scope)), self.disclosure.accounting

    def as_dict(self) -> dict[str, Any]:
        d = self.disclosure
        return {
            "query": d.query,
            "kind": d.kind,
            "accounting": d.accounting,
            "scope": list(d.scope),
            "hardware": d.hardware,
            "measured_on": d.measured_on,
            "per_query": self.per_query,
            "per_1000_output_tokens": self.per_1000_tokens or None,
            "per_token_reason": self.per_token_reason,
            "sources": list(d.sources),
            "note": d.note,
        }


def _value(fig: Figure | None) -> float | None:
    return None if fig is None else fig.value


def normalise(d: Disclosure) -> Normalised:
    per_query = {name: v / d.queries for name in FIGURES if (v := _value(getattr(d, name))) is not None}
    if d.output_tokens is None:
        return Normalised(d, per_query, {}, "the source does not state how many output tokens one query produces")
    per_tokens = {
        name: v / d.output_tokens * TOKENS_PER_UNIT for name in FIGURES if (v := _value(getattr(d, name))) is not None
    }
    return Normalised(d, per_query, per_tokens, None)


def comparability(a: Disclosure, b: Disclosure) -> tuple[bool, list[str]]:
    """Whether two disclosures can be compared like for like, and every reason they cannot."""
    reasons = []
    if a.accounting and b.accounting and a.accounting != b.accounting and (a.emissions_g or b.emissions_g):
        reasons.append(f"emissions are {a.accounting}-based in one and {b.accounting}-based in the other")
    only_a, only_b = set(a.scope) - set(b.scope), set(b.scope) - set(a.scope)
    if only_a or only_b:
        parts = [
            f"only the first includes {', '.join(sorted(only_a))}" if only_a else "",
            f"only the second includes {', '.join(sorted(only_b))}" if only_b else "",
        ]
        reasons.append("different scopes: " + "; ".join(p for p in parts if p))
    if not a.scope or not b.scope:
        reasons.append("a scope is not stated")
    if "vendor-statement" in (a.kind, b.kind) and a.kind != b.kind:
        reasons.append("a vendor statement without a published method beside a measured or modelled figure")
    if (a.output_tokens is None) != (b.output_tokens is None) or (
        a.query != b.query and (a.output_tokens is None or b.output_tokens is None)
    ):
        reasons.append("different query units and no token counts to normalise them")
    return not reasons, reasons


def groups(
    disclosures: Iterable[tuple[str, Disclosure]],
) -> dict[tuple[tuple[str, ...], str | None], list[tuple[str, Normalised]]]:
    """Disclosures by (scope, accounting): within a group figures compare; across groups they do not."""
    out: dict[tuple[tuple[str, ...], str | None], list[tuple[str, Normalised]]] = {}
    for model_id, d in disclosures:
        n = normalise(d)
        out.setdefault(n.group, []).append((model_id, n))
    return dict(sorted(out.items(), key=lambda item: (-len(item[1]), item[0][0], item[0][1] or "")))


BEYOND_OPERATIONS = frozenset({"embodied-hardware", "training", "end-user-device", "network"})


def break_even(training_emissions: Metric, disclosures: Sequence[Disclosure]) -> Metric | None:
    """Queries after which inference emissions exceed training emissions, from the first disclosure with per-query
    emissions."""
    for d in disclosures:
        if (
            d.emissions_g is None or min(d.emissions_g.value, *d.emissions_g.bounds) <= 0
        ):  # a range down to 0 has no upper break-even
            continue
        per_query = Range.lognormal("emissions_g_per_query", d.emissions_g.value, *d.emissions_g.bounds) / d.queries
        queries = training_emissions.range * GRAMS_PER_TONNE / per_query
        cautions = []
        if d.accounting == "market":
            cautions.append("per-query emissions are market-based while training emissions are location-based")
        beyond = sorted(set(d.scope) & BEYOND_OPERATIONS)
        if beyond:
            cautions.append(
                f"the per-query figure also counts {', '.join(beyond)}, which training's operational emissions "
                "leave out"
            )
        note = "; ".join(cautions) + ": an indication only" if cautions else None
        per_query_input = Input(
            "emissions_g_per_query", per_query.value, per_query.low, per_query.high, "gCO2e", d.kind, d.query, d.sources
        )
        unit = catalogue.metric("break_even_queries").unit
        return Metric(
            "break_even_queries",
            queries.value,
            queries.low,
            queries.high,
            unit,
            "estimated",
            "training / per-query",
            "training emissions_tco2e x 1,000,000 g/t / emissions per query (g)",
            (training_emissions.as_input(), per_query_input),
            note=note,
            spread=queries,
        )
    return None


OPEN_WEIGHTS = ("open", "gated", "restricted")
SECONDS_PER_HOUR = 3600
BITS_PER_BYTE = 8
TEXT_DOMAINS = frozenset({"language"})
NOT_GENERATIVE = ("encoder-only", "bert", "embedding", "classifier", "retriev")


def text_generation(model: Model) -> str | None:
    """Why a per-output-token language-model estimate does not apply to this model, or None when it does: its domains
    include language and its architecture, where stated, is not an encoder-only (non-generative) one."""
    if not TEXT_DOMAINS & set(model.domains):
        return "estimated only for text-generation models (domain language); this model's domains are " + (
            ", ".join(model.domains) or "not stated"
        )
    arch = (model.architecture or "").lower()
    if any(word in arch for word in NOT_GENERATIVE) and "decoder" not in arch:
        return (
            f"estimated only for text-generation models; the architecture ({model.architecture}) does not generate text"
        )
    return None


def ecologits_wh_per_token(active_b: float, total_b: float, batch: float, bits: float, c: dict[str, float]) -> float:
    """IT energy of one output token (Wh) by the released EcoLogits method (ecologits 0.11.3, ecologits/impacts/llm.py):
    GPU energy and latency fitted on active parameters and batch size; GPUs to hold the weights rounded up to a power of
    two; the server's own power shared over the GPUs it holds and the batch."""
    memory = c["running_memory_overhead_factor"] * total_b * bits / BITS_PER_BYTE
    gpus = 2 ** math.ceil(math.log2(math.ceil(memory / c["inference_gpu_memory_gb"])))
    gpu_wh = (
        c["ecologits_energy_alpha"] * math.exp(c["ecologits_energy_beta"] * batch) * active_b
        + c["ecologits_energy_gamma"]
    )
    latency_s = (
        c["ecologits_latency_alpha"] * active_b + c["ecologits_latency_beta"] * batch + c["ecologits_latency_gamma"]
    )
    server_wh = (
        latency_s / SECONDS_PER_HOUR * c["inference_server_power_w"] * gpus / c["inference_gpus_per_server"] / batch
    )
    return float(server_wh + gpus * gpu_wh)


def estimate_energy(model: Model, ctx: Context) -> Metric | str:
    """Inference energy per 1,000 output tokens for an open-weights text-generation model, by the released EcoLogits
    method; the 90% range propagates the batch size, the weight precision and the PUE; or why it cannot be estimated."""
    weights = model.openness.get("weights")
    if weights is None or weights.value not in OPEN_WEIGHTS:
        return "estimated only for models whose weights can be run by others (open, gated or restricted)"
    not_text = text_generation(model)
    if not_text is not None:
        return not_text
    if model.parameters is None:
        return "the number of parameters is unknown"
    total = figure_input("parameters", model.parameters, "parameters")
    active = (
        figure_input("active_parameters", model.active_parameters, "parameters") if model.active_parameters else total
    )
    a = {key: ctx.assumption(key) for key in (*ECOLOGITS, *SERVING)}
    pue = ctx.assumption("pue_hyperscale", "pue", "served by a cloud or hyperscale operator (as EcoLogits' providers)")
    c = {key: i.value for key, i in a.items()}
    p_active, p_total = active.value / 1e9, total.value / 1e9

    def at(**changed: float) -> float:
        batch, bits = changed.get("batch", c["inference_batch_size"]), changed.get("bits", c["inference_weight_bits"])
        return TOKENS_PER_UNIT * ecologits_wh_per_token(p_active, p_total, batch, bits, c)

    central = at()
    server = Range.exact(central)
    for name, key in (("batch", "inference_batch_size"), ("bits", "inference_weight_bits")):
        ends = [at(**{name: x}) / central for x in (rng(a[key]).low, rng(a[key]).high)]
        server = server * Range.lognormal(f"assumption:{key}", 1.0, min(1.0, *ends), max(1.0, *ends))
    grid = [
        at(batch=b, bits=q)
        for b in (a["inference_batch_size"].low, a["inference_batch_size"].high)
        for q in (a["inference_weight_bits"].low, a["inference_weight_bits"].high)
    ]
    server = Range(
        server.value,
        server.low,
        server.high,
        min(server.low, *grid),
        max(server.high, *grid),
        server.terms,
        server.var_down,
        server.var_up,
    )
    energy = server * rng(pue)
    which = "active_parameters" if model.active_parameters else "parameters"
    return Metric(
        "inference_energy_wh_per_1000_tokens",
        energy.value,
        energy.low,
        energy.high,
        catalogue.metric("inference_energy_wh_per_1000_tokens").unit,
        "estimated",
        "EcoLogits method",
        f"1,000 x PUE x (GPUs x (alpha x exp(beta x batch) x {which} in billions + gamma) + "
        "server power x latency per token / 3600 x GPUs / GPUs per server / batch); GPUs = overhead x parameters x "
        "bits / 8 / "
        "GPU memory, rounded up to a whole number and then to a power of two (ecologits 0.11.3)",
        (active, *([total] if active is not total else []), *a.values(), pue),
        note="scope: accelerators, host and cooling; excludes idle capacity, networking and embodied hardware. The "
        "range "
        "propagates the batch size, 4- to 16-bit weights and the PUE; the fit itself (H100, vLLM) adds uncertainty "
        "not shown.",
        spread=energy,
    )
