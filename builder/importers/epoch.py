"""Epoch AI model CSVs (the 47-column notable export and the 57-column full view) onto models and organizations."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from builder.importers import Context, Planned, sources
from builder.importers import epoch_provenance as whose
from builder.importers.common import (
    Record,
    country,
    figure,
    hardware_id,
    number,
    put,
    read_csv_or_skip,
    slugify,
    status,
    text,
    urls,
)

OWNED = frozenset({"epoch-notable", "epoch-models"})

WEIGHTS = {
    "open weights (unrestricted)": "open",
    "open weights (restricted use)": "restricted",
    "open weights (non-commercial)": "restricted",
    "api access": "api-only",
    "hosted access (no api)": "hosted-only",
    "unreleased": "unreleased",
}
CODE = {
    "open source": "released",
    "open (non-commercial)": "released",
    "open (restricted use)": "released",
    "unreleased": "undisclosed",
}
PRECISION = {"fp32": "fp32", "tf32": "tf32", "bf16": "bf16", "fp16": "fp16", "fp8": "fp8", "int8": "int8"}
ORG_KIND = {
    "industry": "company",
    "academia": "academic",
    "research collective": "collaboration",
    "government": "government",
}
DATASET_SIZE = ("Training dataset size (total)", "Training dataset size (datapoints)")


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """Models (and their organizations) from every row of each Epoch CSV."""
    for path in files:
        found = read_csv_or_skip(path, ctx.report)
        if found is None:
            continue
        header, rows = found
        if "Model" not in header or "Training compute (FLOP)" not in header:
            ctx.report.add(
                "skipped", str(path), "not an Epoch AI models CSV (no 'Model' and 'Training compute (FLOP)' columns)"
            )
            continue
        full_view = "Training chip-hours" in header
        seen: set[str] = set()
        for done, (line, row) in enumerate(rows, 1):
            ctx.tick(done, len(rows), f"epoch {path.name}")
            yield from _row(path.name, line, row, full_view, seen, ctx)


def _row(
    file_name: str, line: int, row: dict[str, str], full_view: bool, seen: set[str], ctx: Context
) -> Iterator[Planned]:
    name = text(row.get("Model"), 500)
    label = f'Epoch AI {file_name}, line {line}, row "{name}"'
    if not name:
        ctx.report.add("skipped", f"{file_name} line {line}", "no model name")
        return
    model_id = ctx.find("model", slugify(name), name) or slugify(name)
    if not model_id or model_id in seen:
        ctx.report.add("skipped", label, f"the id '{model_id}' is already taken by an earlier row of this file")
        return
    seen.add(model_id)
    source = (sources.epoch_models if full_view else sources.epoch_notable)(f'row "{name}"')
    sid = source["id"]
    orgs = list(_organizations(row, sid, ctx, file_name))
    yield from orgs
    model: Record = {"id": model_id, "name": name}
    if orgs:
        ids = list(dict.fromkeys(o.id for o in orgs))
        model["organization"] = ids[0] if len(ids) == 1 else ids
    if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", row.get("Publication date", "")):
        model["released"] = row["Publication date"]
    domains = [
        d.strip().lower()
        for d in row.get("Domain", "").split(",")
        if re.match(r"^[a-z0-9][a-z0-9 -]*$", d.strip().lower())
    ]
    put(model, "domains", list(dict.fromkeys(domains)))
    put(model, "parameters", _judged(number(row.get("Parameters")), sid, whose.parameters(row)))
    training, notes = _training(row, sid, ctx, label)
    put(model, "training", training)
    put(model, "openness", _openness(row, sid))
    put(model, "base_model", _base_model(row, model_id, ctx))
    model["sources"] = [source, *_links(row, ctx.data("model", model_id))]
    if notes:
        model.setdefault("training", {})["note"] = text(" ".join(notes))
    yield ctx.plan(Planned("model", model_id, model, label, frozenset({sid})))


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _organizations(row: dict[str, str], sid: str, ctx: Context, file_name: str) -> Iterator[Planned]:
    names = _split(row.get("Organization", ""))
    lands = _split(row.get("Country (of organization)", ""))
    kinds = _split(row.get("Organization categorization", ""))
    for i, name in enumerate(names):
        land = lands[i] if len(lands) == len(names) else (lands[0] if len(set(lands)) == 1 else None)
        kind = kinds[i] if len(kinds) == len(names) else (kinds[0] if len(set(kinds)) == 1 else None)
        org_id = ctx.find("organization", slugify(name), name) or slugify(name)
        org: Record = {"id": org_id, "name": name}
        put(org, "country", country(land))
        put(org, "kind", ORG_KIND.get((kind or "").lower()))
        org["sources"] = [
            (sources.epoch_models if sid == "epoch-models" else sources.epoch_notable)(f'organization "{name}"')
        ]
        yield ctx.plan(
            Planned("organization", org_id, org, f'Epoch AI {file_name}, organization "{name}"', frozenset({sid}))
        )


def _judged(
    value: float | int | None,
    sid: str,
    judged: whose.Judged,
    note: str | None = None,
    low: float | int | None = None,
    high: float | int | None = None,
) -> Record | None:
    """A figure with who stands behind it: the developer's count, or Epoch's estimate with Epoch's confidence."""
    return figure(value, sid, note, provenance=judged.provenance, confidence=judged.confidence, low=low, high=high)


def _estimate(row: dict[str, str], sid: str, value: float | int | None, full_view: bool) -> Record | None:
    """Training compute with Epoch's confidence and, in the full view, its bounds and estimation method."""
    confidence = whose.confidence(row)
    method = row.get("Training compute estimation method", "").strip()
    notes = []
    if confidence:
        notes.append(f"Epoch AI confidence: {confidence}")
    if method:
        notes.append(f"estimation method: {method}")
    low = number(row.get("Training compute lower bound")) if full_view else None
    high = number(row.get("Training compute upper bound")) if full_view else None
    return _judged(value, sid, whose.compute(row, method or None), "; ".join(notes) or None, low=low, high=high)


def _base_model(row: dict[str, str], model_id: str, ctx: Context) -> str | None:
    """Epoch's base model as the record's base_model, when it names one other record and the record declares no relation
    yet (one a person wrote is kept; several bases, as for a vision-language model, stay in the note)."""
    base = text(row.get("Base model"), 200)
    existing = ctx.data("model", model_id) or {}
    if not base or "," in base or any(existing.get(r) for r in ("base_model", "variant_of", "family")):
        return None
    target = ctx.find("model", slugify(base), base)
    return target if target and target != model_id else None


def _training(row: dict[str, str], sid: str, ctx: Context, label: str) -> tuple[Record, list[str]]:
    training: Record = {}
    notes: list[str] = []
    full_view = sid == "epoch-models"
    put(training, "tokens", _tokens(row, sid, notes))
    compute = number(row.get("Training compute (FLOP)"))
    put(training, "compute_flop", _estimate(row, sid, compute, full_view))
    put(training, "precision", PRECISION.get(row.get("Numerical format", "").strip().lower()))
    hardware = _split(row.get("Training hardware", ""))
    if hardware:
        hw_id = ctx.find("hardware", hardware_id(hardware[0]), hardware[0])
        if hw_id and ctx.exists("hardware", hw_id):
            training["accelerator"] = hw_id
        else:
            ctx.report.add(
                "flagged",
                label,
                f"hardware '{hardware[0]}' ({hardware_id(hardware[0])}) is not in the registry: "
                "import epoch-chips first or add it; kept in the training note",
            )
            notes.append(f"Epoch AI lists the training hardware as {hardware[0]}.")
        if len(hardware) > 1:
            notes.append(
                f"Epoch AI lists several kinds of training hardware: {', '.join(hardware)}; the first is recorded."
            )
    quantity = number(row.get("Hardware quantity"))
    if isinstance(quantity, int):
        training["accelerator_count"] = _judged(quantity, sid, whose.accelerator_count(quantity, row))
    put(training, "duration_hours", _judged(number(row.get("Training time (hours)")), sid, whose.duration(row)))
    hours = number(row.get("Training chip-hours"))
    put(training, "accelerator_hours", _judged(hours, sid, whose.chip_hours(hours, row)) if hours else None)
    utilization = number(row.get("Hardware utilization (MFU)"))
    if utilization is not None and utilization <= 1:
        training["utilization"] = _judged(
            float(utilization),
            sid,
            whose.utilization(float(utilization), row),
            "model FLOP utilization (MFU) as listed by Epoch AI",
        )
    power = number(row.get("Training power draw (W)"))
    if power is not None:
        per = f" ({power / quantity:,.0f} W per accelerator)" if quantity else ""
        notes.append(
            f"Epoch AI estimates the power draw of the whole training cluster at {power:,.0f} W{per}; by Epoch's "
            "method this "
            "includes server and data-centre overheads, so it is kept here rather than as average_power_w (per "
            "accelerator)."
        )
    base = text(row.get("Base model"), 200)
    if base:
        notes.append(f"Epoch AI lists the base model as {base}.")
    return training, notes


def _tokens(row: dict[str, str], sid: str, notes: list[str]) -> Record | None:
    """Dataset size becomes tokens only when Epoch's dataset-size notes state the unit is tokens: tagged '[tokens]',
    or giving the same count in tokens ('780 billion tokens'); Epoch's notes on the size are kept with the figure."""
    size = next((number(row.get(c)) for c in DATASET_SIZE if row.get(c)), None)
    if size is None:
        return None
    size_notes = row.get("Dataset size notes", "").strip()
    if not whose.states_tokens(float(size), size_notes):
        notes.append(
            f"Epoch AI lists a training dataset size of {size:.3g} datapoints without stating the unit as tokens; "
            "not mapped to tokens."
        )
        return None
    epochs = number(row.get("Epochs"))
    judged = whose.tokens(float(size), float(epochs) if epochs is not None else None, row)
    said = f"; Epoch AI's dataset-size notes: {size_notes}" if size_notes else ""
    if epochs is not None and epochs != 1:
        return _judged(
            float(size) * float(epochs),
            sid,
            judged,
            f"Epoch AI dataset size {size:.3g} tokens x {epochs:g} epochs{said}",
        )
    return _judged(
        size, sid, judged, "Epoch AI dataset size in tokens" + ("" if epochs else "; epochs not given") + said
    )


def _openness(row: dict[str, str], sid: str) -> Record:
    openness: Record = {}
    access = row.get("Model accessibility", "").strip()
    if access.lower() in WEIGHTS:
        openness["weights"] = status(WEIGHTS[access.lower()], sid, f"Epoch AI: {access}")
    for column, field_name in (
        ("Training code accessibility", "training_code"),
        ("Inference code accessibility", "inference_code"),
    ):
        value = row.get(column, "").strip()
        if value.lower() in CODE:
            openness[field_name] = status(CODE[value.lower()], sid, f"Epoch AI: {value}")
    return openness


def _links(row: dict[str, str], existing: Record | None) -> list[Record]:
    """The model's publications (Epoch's 'Link' column) as sources, leaving out addresses the record already cites."""
    known = {s.get("url") for s in (existing or {}).get("sources", []) if isinstance(s, dict)}
    title = text(row.get("Reference"), 500) or text(row.get("Model"), 500) or "Publication"
    found = [u for u in urls(row.get("Link", "")) if u not in known]
    out: list[Any] = []
    for i, url in enumerate(found, 1):
        out.append({"id": "publication" if len(found) == 1 else f"publication-{i}", "title": title, "url": url})
    return out
