"""Model Openness Tool YAML onto models' openness fields and licences: a listing is not a release (licences
normalised to SPDX ids)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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

OWNED = frozenset({"model-openness-tool"})
# MOF component -> registry openness field it gives a status for
COMPONENTS = {
    "training code": "training_code",
    "inference code": "inference_code",
    "datasets": "training_data",
    "model card": "model_card",
    "data card": "datasheet",
    "technical report": "technical_report",
    "research paper": "paper",
    "model parameters (intermediate)": "checkpoints",
}
LICENCE_OF = {
    "weights_license": ("model parameters (final)",),
    "code_license": ("training code", "inference code", "model architecture"),
    "data_license": ("datasets",),
}
# The licence field -> the components whose evidence it needs: a licence of an artefact nobody can be shown to have is
# left out.
LICENCE_NEEDS = {
    "weights_license": ("weights",),
    "code_license": ("training_code", "inference_code"),
    "data_license": ("training_data",),
}
NOT_INCLUDED = frozenset({"componentnotincluded", "componentnotinclude", "componentcomponentnotincluded"})
# Components the release's Hugging Face page is itself evidence for: the final weights and the model card it shows.
ON_HUGGINGFACE = frozenset({"model parameters (final)", "model card"})
PAPERS = frozenset({"technical report", "research paper"})
FINAL = "model parameters (final)"
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """One model per tool file: a listed component is released only where the tool links it; absent ones are not
    guessed."""
    for done, path in enumerate(files, 1):
        ctx.tick(done, len(files), "mof")
        try:
            entry = upstream.yaml_data(
                path
            )  # the registry's strict loader: no aliases (a YAML bomb), tags or duplicate keys
        except upstream.Unreadable as exc:
            ctx.report.add("skipped", path.name, str(exc))
            continue
        release = entry.get("release") if isinstance(entry, dict) else None
        if not isinstance(release, dict) or not release.get("name"):
            ctx.report.add("skipped", path.name, "no release.name: not a Model Openness Tool file")
            continue
        yield from _release(path, release, ctx)


def _components(release: dict[str, Any]) -> dict[str, _Component]:
    """The listed components by lower-case name, with their licence words and https link (`component_path`)."""
    found: dict[str, _Component] = {}
    for item in release.get("components") or []:
        if isinstance(item, dict) and item.get("name"):
            lic = item.get("license")
            words = str(lic).strip() if isinstance(lic, (str, int, float)) and str(lic).strip() else None
            found[str(item["name"]).strip().lower()] = _Component(
                words, _https(item.get("component_path")) or _https(words)
            )
    return found


def _release(path: Path, release: dict[str, Any], ctx: Context) -> Iterator[Planned]:
    """The record of one tool file: a status for each listed component, `released` only with evidence it is
    available."""
    name = text(release["name"], 500) or path.stem
    label = f"Model Openness Tool models/{path.name}"
    components = _components(release)
    hub = _hub(release.get("huggingface"))
    where = {"repository": _https(release.get("repository")), "huggingface": hub}
    openness: Record = {}
    evidence: list[Record] = []
    for component, field_name in COMPONENTS.items():
        if component in components and key(components[component].licence or "") not in NOT_INCLUDED:
            openness[field_name] = _listed(component, components[component], where, name, evidence)
    licences = _licences(components, release, openness, label, ctx)
    if FINAL in components and key(components[FINAL].licence or "") not in NOT_INCLUDED:
        openness["weights"] = _weights(components[FINAL], hub, licences.get("weights_license"), ctx)
    openness.update({f: licences[f] for f in LICENCE_OF if f in licences and _shown(openness, LICENCE_NEEDS[f])})
    for field_name in LICENCE_OF:
        if field_name in licences and field_name not in openness:
            ctx.report.add(
                "flagged",
                label,
                f"{field_name} {licences[field_name]['value']} left out: the tool links none "
                f"of the artefacts it would cover ({', '.join(LICENCE_NEEDS[field_name])})",
            )
    if not openness:
        ctx.report.add("skipped", label, "no component with a licence")
        return
    model_id = ctx.find("model", slugify(name), name) or slugify(name)
    openness["sources"] = [sources.mof(path.name), *evidence]
    model: Record = {"id": model_id, "name": name, "openness": openness}
    links: Record = {}
    for field_name, column in (("repository", "repository"), ("weights", "huggingface")):
        if where[column]:
            links[field_name] = where[column]
    if links:
        model["links"] = links
    model["sources"] = [SID]
    yield ctx.plan(Planned("model", model_id, model, label))


SID = "model-openness-tool"


@dataclass(frozen=True)
class _Component:
    """One component as the tool lists it: its licence words and the link to it, if any."""

    licence: str | None
    path: str | None


def _https(value: Any) -> str | None:
    found = urls(str(value or ""))
    return found[0] if found and found[0].startswith("https://") else None


def _hub(value: Any) -> str | None:
    """The release's Hugging Face page: a URL, or a bare repository id ('mistralai/Mistral-7B-v0.1') the tool writes
    instead."""
    written = str(value or "").strip()
    if HUB_ID.match(written):
        return f"https://huggingface.co/{written}"
    return _https(written)


def _listed(
    component: str, item: _Component, where: dict[str, str | None], name: str, evidence: list[Record]
) -> Record:
    """A listed component's status: released when the tool links it (or names arXiv for a paper), else unknown.

    A listing alone, above all one with the words "unlicensed", "Undisclosed" or "Proprietary" or no licence at all,
    does not show that the artefact is available (the tool lists PaLM's checkpoints as "unlicensed").
    """
    words = item.licence or "not stated"
    link = item.path or (where["huggingface"] if component in ON_HUGGINGFACE else None)
    if link is None and component in PAPERS and "arxiv" in words.lower():
        return status(
            "released", SID, f"listed by the Model Openness Tool with licence {words}, i.e. published on arXiv"
        )
    if (
        link is None
        and component in {"training code", "inference code"}
        and where["repository"]
        and _named(item.licence)
    ):
        link = where["repository"]
    if link is None:
        return status(
            "unknown",
            SID,
            f"the Model Openness Tool lists this component with licence '{words}' and no link "
            "to it: a listing does not show the artefact is available",
        )
    ident = f"mot-{slugify(component)}"
    if all(e["id"] != ident for e in evidence):
        evidence.append(
            {"id": ident, "title": f"{name}: {component}, as linked by the Model Openness Tool", "url": link}
        )
    return status("released", [SID, ident], f"linked by the Model Openness Tool ({link}), licence {words}")


def _named(words: str | None) -> bool:
    """Whether licence words name a real licence (not "unlicensed", "Undisclosed", "Proprietary" or nothing)."""
    spdx, _ = licence(words)
    return spdx is not None and spdx != "LicenseRef-proprietary"


def _weights(item: _Component, hub: str | None, weights_licence: Record | None, ctx: Context) -> Record:
    """The final weights: downloadable only where the tool links them, and then open or restricted by their licence's
    class."""
    words = item.licence or "not stated"
    link = item.path or hub
    if link is None:
        return status(
            "unknown",
            SID,
            f"the Model Openness Tool lists the final parameters with licence '{words}' and no link "
            "to them: a listing does not show they can be downloaded",
        )
    spdx = weights_licence["value"] if weights_licence else None
    cls, found = downloadable_weights(spdx, openness_table(ctx.root))
    if found is None:
        why = (
            f"its licence {spdx} ({cls or 'not classified in registry/openness.yaml'})"
            if spdx
            else "no licence it names"
        )
        return status(
            "unknown",
            SID,
            f"the Model Openness Tool links the final parameters ({link}) under {why}, which does "
            "not say whether they are open or use-restricted",
        )
    return status(found, SID, f"final parameters linked by the Model Openness Tool ({link}) under {spdx} ({cls})")


def _licences(
    components: dict[str, _Component], release: dict[str, Any], openness: Record, label: str, ctx: Context
) -> dict[str, Record]:
    """Each licence field the tool states (per component, else the release's), normalised to an SPDX id."""
    raw = release.get("license")
    overall: dict[str, Any] = raw if isinstance(raw, dict) else {}
    overall_names = {
        "code_license": (overall.get("code") or {}).get("name"),
        "data_license": (overall.get("data") or {}).get("name"),
        "weights_license": (overall.get("distribution") or {}).get("name"),
    }
    found: dict[str, Record] = {}
    for field_name, names in LICENCE_OF.items():
        written = next((components[c].licence for c in names if c in components and components[c].licence), None)
        written = written or overall_names[field_name]
        spdx, problem = licence(written)
        if spdx:
            found[field_name] = {"value": spdx, "source": SID, "note": f"tool: {text(written, 300)}"}
        elif problem:
            ctx.report.add("flagged", label, f"{field_name}: {problem}")
    return found


def _shown(openness: Record, fields: tuple[str, ...]) -> bool:
    """Whether any of the fields has a status other than unknown (the artefact is shown to exist somewhere)."""
    return any(isinstance(openness.get(f), dict) and openness[f]["value"] != "unknown" for f in fields)
