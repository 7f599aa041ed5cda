"""Model Openness Tool YAML onto models' openness fields and licences (free-text licence names normalised to SPDX ids)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from builder.importers import Context, Planned, sources, upstream
from builder.importers.common import Record, key, licence, slugify, status, text, urls

OWNED = frozenset({"model-openness-tool"})
# MOF component -> registry openness field it shows released
COMPONENTS = {"training code": "training_code", "inference code": "inference_code", "datasets": "training_data",
              "model card": "model_card", "data card": "datasheet", "technical report": "technical_report",
              "research paper": "paper", "model parameters (intermediate)": "checkpoints"}
LICENCE_OF = {"weights_license": ("model parameters (final)",), "code_license": ("training code", "inference code", "model architecture"),
              "data_license": ("datasets",)}
NOT_INCLUDED = frozenset({"componentnotincluded", "componentnotinclude", "componentcomponentnotincluded"})
RESTRICTIVE = ("LicenseRef-", "NC", "RAIL")


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """One model per tool file: components listed with a licence count as released; absent ones are not guessed."""
    for done, path in enumerate(files, 1):
        ctx.tick(done, len(files), "mof")
        try:
            entry = upstream.yaml_data(path)  # the registry's strict loader: no aliases (a YAML bomb), tags or duplicate keys
        except upstream.Unreadable as exc:
            ctx.report.add("skipped", path.name, str(exc))
            continue
        release = entry.get("release") if isinstance(entry, dict) else None
        if not isinstance(release, dict) or not release.get("name"):
            ctx.report.add("skipped", path.name, "no release.name: not a Model Openness Tool file")
            continue
        yield from _release(path, release, ctx)


def _components(release: dict[str, Any]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for item in release.get("components") or []:
        if isinstance(item, dict) and item.get("name"):
            lic = item.get("license")
            found[str(item["name"]).strip().lower()] = str(lic).strip() if isinstance(lic, (str, int, float)) else None
    return found


def _release(path: Path, release: dict[str, Any], ctx: Context) -> Iterator[Planned]:
    name = text(release["name"], 500) or path.stem
    label = f"Model Openness Tool models/{path.name}"
    sid = "model-openness-tool"
    components = _components(release)
    openness: Record = {}
    for component, field_name in COMPONENTS.items():
        if component in components and key(components[component] or "") not in NOT_INCLUDED:
            openness[field_name] = status("released", sid, f"listed by the Model Openness Tool with licence {components[component] or 'not stated'}")
    raw = release.get("license")
    overall: dict[str, Any] = raw if isinstance(raw, dict) else {}
    overall_names = {"code_license": (overall.get("code") or {}).get("name"), "data_license": (overall.get("data") or {}).get("name"),
                     "weights_license": (overall.get("distribution") or {}).get("name")}
    for field_name, names in LICENCE_OF.items():
        written = next((components[c] for c in names if components.get(c)), None) or overall_names[field_name]
        spdx, problem = licence(written)
        if spdx:
            openness[field_name] = {"value": spdx, "source": sid, "note": f"tool: {text(written, 300)}"}
        elif problem:
            ctx.report.add("flagged", label, f"{field_name}: {problem}")
    weights_licence = openness.get("weights_license", {}).get("value")
    if "model parameters (final)" in components and weights_licence:
        restricted = any(mark in weights_licence for mark in RESTRICTIVE)
        openness["weights"] = status("restricted" if restricted else "open", sid, f"final parameters released under {weights_licence}")
    if not openness:
        ctx.report.add("skipped", label, "no component with a licence")
        return
    model_id = ctx.find("model", slugify(name), name) or slugify(name)
    openness["sources"] = [sources.mof(path.name)]
    model: Record = {"id": model_id, "name": name, "openness": openness}
    links: Record = {}
    for field_name, column in (("repository", "repository"), ("weights", "huggingface")):
        found = urls(str(release.get(column) or ""))
        if found and found[0].startswith("https://"):
            links[field_name] = found[0]
    if links:
        model["links"] = links
    model["sources"] = [sid]
    yield ctx.plan(Planned("model", model_id, model, label))
