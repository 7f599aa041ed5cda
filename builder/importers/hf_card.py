"""A Hugging Face model card's YAML front matter (co2_eq_emissions in grams, licence, base model, datasets) onto a
model."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from builder.importers import Context, Planned, upstream
from builder.importers.common import Record, figure, licence, number, slugify, text, tidy
from builder.load.yamlfile import MAX_BYTES

OWNED = frozenset({"hf-model-card"})
TRAINING_TYPES = ("pre-training", "pretraining", "pre-train")


def front_matter(content: str) -> dict[str, Any] | None:
    """The YAML block between the first two '---' lines of a model card (a BOM and CRLF line ends allowed)."""
    match = re.match(r"^\ufeff?---\r?\n(.*?)\r?\n---\s*(?:\r?\n|$)", content, re.DOTALL)
    if not match:
        return None
    data = upstream.yaml_data(
        Path("card"), "\n" + match.group(1)
    )  # strict: no aliases (a YAML bomb), tags; lines as in the file
    return data if isinstance(data, dict) else None


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """One model per card: emissions (grams -> tonnes), licence, base model and datasets as a note."""
    for path in files:
        try:
            card = front_matter(upstream.text_of(path, 16 * MAX_BYTES))
        except upstream.Unreadable as exc:
            ctx.report.add("skipped", str(path), f"front matter: {exc}")
            continue
        if card is None:
            ctx.report.add("skipped", str(path), "no YAML front matter between '---' lines")
            continue
        yield from _card(path, card, ctx)


def _emissions(raw: Any) -> tuple[float | None, Record]:
    """Grams CO2e and the details of co2_eq_emissions, whether a bare number (grams) or a mapping."""
    if isinstance(raw, dict):
        return number(raw.get("emissions")), raw
    return number(raw), {}


def _card(path: Path, card: dict[str, Any], ctx: Context) -> Iterator[Planned]:
    repo = ctx.options.get("model") or card.get("model_name") or _index_name(card)
    label = f"Hugging Face model card {path}"
    if not repo:
        ctx.report.add("skipped", label, "no model named: give the Hugging Face repository (org/name) with --model")
        return
    repo = str(repo)
    url = ctx.options.get("url") or (f"https://huggingface.co/{repo}" if re.match(r"^[\w.-]+/[\w.-]+$", repo) else None)
    if not url:
        ctx.report.add("skipped", label, "every figure needs a public source: give the card's https address with --url")
        return
    short = repo.split("/")[-1]
    model_id = ctx.find("model", slugify(short), short, repo) or slugify(short)
    sid = "hf-model-card"
    model: Record = {"id": model_id, "name": short}
    grams, details = _emissions(card.get("co2_eq_emissions"))
    training: Record = {}
    if grams is not None:
        kind = str(details.get("training_type") or "").lower()
        parts = [
            f"co2_eq_emissions {grams:g} g as written in the card"
            + (" (a bare number, read as grams)" if not details else "")
        ]
        for k in ("source", "training_type", "geographical_location", "hardware_used"):
            if details.get(k):
                parts.append(f"{k}: {text(details[k], 200)}")
        if kind and not any(t in kind for t in TRAINING_TYPES):
            parts.append("the card does not say this is pre-training")
        training["emissions_tco2e"] = figure(tidy(float(grams) / 1e6), sid, "; ".join(parts))
        training["sources"] = [sid]
    if training:
        model["training"] = training
    spdx, problem = licence(str(card["license"]) if card.get("license") else None)
    if spdx:
        model["openness"] = {
            "weights_license": {"value": spdx, "source": sid, "note": f"card licence: {card['license']}"}
        }
    elif problem:
        ctx.report.add("flagged", label, problem)
    notes = []
    for field_name, title in (("base_model", "base model"), ("datasets", "datasets")):
        value = card.get(field_name)
        if value:
            notes.append(f"{title}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    if notes:
        model["note"] = text("Model card lists " + "; ".join(notes) + ".")
    if len(model) == 2:
        ctx.report.add("skipped", label, "the card has no emissions, licence, base model or datasets")
        return
    model["sources"] = [{"id": sid, "title": f"{repo} model card", "url": url, "publisher": "Hugging Face"}]
    yield ctx.plan(Planned("model", model_id, model, label))


def _index_name(card: dict[str, Any]) -> str | None:
    index = card.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict) and index[0].get("name"):
        return str(index[0]["name"])
    return None
