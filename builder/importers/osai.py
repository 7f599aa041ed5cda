"""European Open Source AI Index entries onto models' openness fields, each with the index's evidence link."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from builder.importers import Context, Planned, sources
from builder.importers.common import Record, licence, slugify, status, text, urls

OWNED = frozenset({"osai-index"})
RELEASE = {"open": "released", "partial": "partial", "closed": "undisclosed"}
WEIGHTS = {"open": "open", "partial": "restricted", "closed": "unreleased"}
# index dimension -> (registry openness field, how the index's class maps onto it)
DIMENSIONS = {"weights_endmodel": ("weights", WEIGHTS), "datasources_basemodel": ("training_data", RELEASE),
              "trainingcode": ("training_code", RELEASE), "modelcard": ("model_card", RELEASE), "datasheet": ("datasheet", RELEASE),
              "preprint": ("technical_report", RELEASE), "paper": ("paper", RELEASE)}


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """One model (and its organization when new) per index file; `_parameters.yml` and unreadable files are skipped."""
    for done, path in enumerate(files, 1):
        ctx.tick(done, len(files), "osai")
        if path.name.startswith("_"):
            continue
        try:
            entry = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            ctx.report.add("skipped", path.name, f"not readable YAML: {str(exc).splitlines()[0]}")
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("system"), dict) or not entry["system"].get("name"):
            ctx.report.add("skipped", path.name, "no system.name: not an index entry")
            continue
        yield from _entry(path, entry, ctx)


def _entry(path: Path, entry: dict[str, Any], ctx: Context) -> Iterator[Planned]:
    system = entry["system"]
    name = text(system["name"], 500) or path.stem
    label = f"European Open Source AI Index {path.name}"
    model_id = ctx.find("model", slugify(name), name, system.get("endmodelname")) or slugify(name)
    index_source = sources.osai_index(f"entry {path.name}")
    openness: Record = {}
    evidence: list[Record] = []
    for dimension, (field_name, mapping) in DIMENSIONS.items():
        item = entry.get(dimension)
        if not isinstance(item, dict) or str(item.get("class", "")).strip() not in mapping:
            continue
        rating = str(item["class"]).strip()
        links = urls(" ".join(item["link"]) if isinstance(item.get("link"), list) else str(item.get("link") or ""))
        cite: str | list[str] = "osai-index"
        if links:
            evidence.append({"id": f"osai-{dimension.replace('_', '-')}", "title": f"{name}: evidence for the index's '{dimension}' rating",
                             "url": links[0]})
            cite = ["osai-index", evidence[-1]["id"]]
        openness[field_name] = status(mapping[rating], cite, f"index rates {dimension} {rating}: {text(item.get('notes'), 1500) or 'no notes'}")
    spdx, problem = licence(system.get("endmodellicense"))
    if spdx:
        openness["weights_license"] = {"value": spdx, "source": "osai-index", "note": f"index: {text(system['endmodellicense'], 300)}"}
    elif problem:
        ctx.report.add("flagged", label, problem)
    if not openness:
        ctx.report.add("skipped", label, "no openness dimension rated open, partial or closed")
        return
    openness["sources"] = [index_source, sources.osai_paper(), *evidence]
    model: Record = {"id": model_id, "name": name}
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
