"""European Open Source AI Index entries onto models' openness fields, each with the index's evidence link."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from builder.importers import Context, Planned, sources, upstream
from builder.importers.common import (
    Record,
    downloadable_weights,
    key,
    licence,
    openness_table,
    slugify,
    status,
    text,
    urls,
)

OWNED = frozenset({"osai-index"})
RELEASE = {"open": "released", "partial": "partial", "closed": "undisclosed"}
# The index's class for end-model weights says how far they can be downloaded, not what their licence allows: `_weights`
# reads the licence's class in registry/openness.yaml and the index's notes (a consent form makes them gated).
WEIGHTS = {"open": "open", "partial": "restricted", "closed": "unreleased"}
# Words in the index's notes saying the weights can be downloaded after a sign-up, request or licence acceptance.
GATED = re.compile(
    r"gated|consent|request|sign(?:ing|ed)? |sign[- ]?up|log ?in\b|registration|register|contact information|"
    r"personal information|agree(?:ing|ment)",
    re.IGNORECASE,
)
# index dimension -> (registry openness field, how the index's class maps onto it)
DIMENSIONS = {
    "weights_endmodel": ("weights", WEIGHTS),
    "datasources_basemodel": ("training_data", RELEASE),
    "trainingcode": ("training_code", RELEASE),
    "modelcard": ("model_card", RELEASE),
    "datasheet": ("datasheet", RELEASE),
    "preprint": ("technical_report", RELEASE),
    "paper": ("paper", RELEASE),
}


# What the index writes for a model name it does not know (Lumo: `endmodelname: Undisclosed`).
NO_NAME = frozenset({"undisclosed", "unknown", "none", "n/a", "na", "-", "tbd", "not disclosed"})


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """One model (and its organization when new) per index file; `_parameters.yml` and unreadable files are skipped.

    Two entries that name the same end model (the index has entries with base and end model swapped,
    both naming Qwen2.5-32B) say nothing reliable about it: both are skipped and reported.
    """
    earlier = _earlier(ctx)
    entries: list[tuple[Path, dict[str, Any], str]] = []
    for done, path in enumerate(files, 1):
        ctx.tick(done, len(files), "osai")
        if path.name.startswith("_"):
            continue
        try:
            entry = upstream.yaml_data(
                path
            )  # the registry's strict loader: no aliases (a YAML bomb), tags or duplicate keys
        except upstream.Unreadable as exc:
            ctx.report.add("skipped", path.name, str(exc))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("system"), dict) or not entry["system"].get("name"):
            ctx.report.add("skipped", path.name, "no system.name: not an index entry")
            continue
        entries.append((path, entry, _rated(path, entry)))
    claimed = Counter(key(name) for _, _, name in entries)
    for path, entry, name in entries:
        if claimed[key(name)] > 1:
            others = ", ".join(p.name for p, _, n in entries if key(n) == key(name) and p != path)
            ctx.report.add(
                "skipped",
                f"European Open Source AI Index {path.name}",
                f"rates {name}, which {others} rates too: the entries disagree on which model they describe",
            )
            continue
        yield from _entry(path, entry, name, ctx, earlier)


def _rated(path: Path, entry: dict[str, Any]) -> str:
    """The model an entry rates: `system.endmodelname`, the base model when it names no end model, else the family."""
    system = entry["system"]
    return (
        _named(system.get("endmodelname"))
        or _named(system.get("basemodelname"))
        or text(system["name"], 500)
        or path.stem
    )


def _earlier(ctx: Context) -> dict[str, str]:
    """Index file name -> id of the registry model an earlier run imported that entry into (its `osai-index`
    locator)."""
    found: dict[str, str] = {}
    for model_id, existing in ctx.existing["model"].items():
        openness = existing.data.get("openness")
        cited = openness.get("sources") if isinstance(openness, dict) else None
        for source in cited if isinstance(cited, list) else []:
            locator = source.get("locator") if isinstance(source, dict) and source.get("id") == "osai-index" else None
            if isinstance(locator, str) and locator.startswith("entry "):
                found.setdefault(locator.removeprefix("entry "), model_id)
    return found


def _named(value: Any) -> str | None:
    name = text(value, 500)
    return None if name is None or name.lower() in NO_NAME else name


def _weights(rating: str, item: dict[str, Any], written: Any, ctx: Context) -> tuple[str, str]:
    """The end model's weights status and why, from the index's class, its notes and the licence's class.

    The index rates weights open when they can be downloaded, whatever the licence: weights under a Llama or RAIL
    licence are restricted. Partial or closed weights that anyone can download after a consent form or a licence
    acceptance (Llama 3.1: "requires signing ... 'community license'") are gated, not unreleased.
    """
    notes = str(item.get("notes") or "")
    spdx, _ = licence(written)
    cls, downloadable = downloadable_weights(spdx, openness_table(ctx.root))
    under = (
        f"{spdx} ({cls})"
        if cls
        else f"the licence '{text(written, 120)}', which registry/openness.yaml does not classify"
    )
    if rating in ("partial", "closed") and GATED.search(notes):
        return (
            "gated",
            "; the notes say the weights are reached through a sign-up, request or licence acceptance, so gated",
        )
    if rating == "closed":
        return "unreleased", ""
    if downloadable is not None and (rating == "open" or downloadable == "restricted"):
        return downloadable, f"; downloadable under {under}, so {downloadable}" if downloadable != rating else ""
    if rating == "open" and not spdx and not text(written):
        return "open", ""
    return "unknown", (
        f"; the index's '{rating}' does not say whether use is restricted, and the weights are under "
        f"{under}, so their status is left unknown"
    )


def _entry(path: Path, entry: dict[str, Any], name: str, ctx: Context, earlier: dict[str, str]) -> Iterator[Planned]:
    """The record of the model the entry rates (`name`, from `_rated`).

    `system.name` is the family the entry is filed under (`AMD OLMo` for AMD-OLMo-1B-SFT-DPO): it becomes an
    alias, and records are never found by it, so a rating never lands on the base model or an older family member.
    """
    system = entry["system"]
    family = text(system["name"], 500) or path.stem
    label = f"European Open Source AI Index {path.name}"
    model_id = ctx.find("model", slugify(name), name) or slugify(name)
    before = earlier.get(path.name)
    if before is not None and before != model_id:
        ctx.report.add(
            "flagged",
            label,
            f"an earlier import put this entry on models/{before}.yaml; it rates {name} "
            f"(models/{model_id}.yaml): move or remove the earlier openness by hand",
        )
    index_source = sources.osai_index(f"entry {path.name}")
    openness: Record = {}
    evidence: list[Record] = []
    base_rated = _named(system.get("endmodelname")) is None and _named(system.get("basemodelname")) is not None
    for listed, (field_name, mapping) in DIMENSIONS.items():
        # An entry with no end model rates its base model: its weights are the base model's (TildeOpen-30b's are open,
        # while the entry's end-model weights are 'closed' because there is no end model).
        dimension = "weights_basemodel" if base_rated and listed == "weights_endmodel" else listed
        item = entry.get(dimension)
        if not isinstance(item, dict) or str(item.get("class", "")).strip() not in mapping:
            continue
        rating = str(item["class"]).strip()
        links = urls(" ".join(item["link"]) if isinstance(item.get("link"), list) else str(item.get("link") or ""))
        cite: str | list[str] = "osai-index"
        if links:
            evidence.append(
                {
                    "id": f"osai-{dimension.replace('_', '-')}",
                    "title": f"{name}: evidence for the index's '{dimension}' rating",
                    "url": links[0],
                }
            )
            cite = ["osai-index", evidence[-1]["id"]]
        said = f"index rates {dimension} {rating}: {text(item.get('notes'), 1500) or 'no notes'}"
        value, why = (
            _weights(rating, item, system.get("endmodellicense"), ctx)
            if field_name == "weights"
            else (mapping[rating], "")
        )
        openness[field_name] = status(value, cite, f"{said}{why}")
    spdx, problem = licence(system.get("endmodellicense"))
    if spdx:
        openness["weights_license"] = {
            "value": spdx,
            "source": "osai-index",
            "note": f"index: {text(system['endmodellicense'], 300)}",
        }
    elif problem:
        ctx.report.add("flagged", label, problem)
    if not openness:
        ctx.report.add("skipped", label, "no openness dimension rated open, partial or closed")
        return
    openness["sources"] = [index_source, sources.osai_paper(), *evidence]
    model: Record = {"id": model_id, "name": name}
    if key(family) != key(name):
        model["aliases"] = [family]
    if not ctx.exists("model", model_id):
        raw_org = entry.get("org")
        org: dict[str, Any] = raw_org if isinstance(raw_org, dict) else {}
        if org.get("name"):
            org_name = text(org["name"], 300) or ""
            org_id = ctx.find("organization", slugify(org_name), org_name) or slugify(org_name)
            organization: Record = {"id": org_id, "name": org_name}
            link = urls(str(org.get("link") or ""))
            if link and link[0].startswith("https://"):
                organization["url"] = link[0]
            organization["sources"] = [sources.osai_index(f"entry {path.name}, org")]
            yield ctx.plan(Planned("organization", org_id, organization, label))
            model["organization"] = org_id
        released = str(system.get("releasedate") or "")
        if re.match(r"^\d{4}(-\d{2})?$", released):
            model["released"] = released
        link = urls(str(system.get("link") or ""))
        if link and link[0].startswith("https://"):
            model["links"] = {"homepage": link[0]}
    model["openness"] = openness
    model["sources"] = ["osai-index"]
    yield ctx.plan(Planned("model", model_id, model, label))
