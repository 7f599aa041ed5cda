"""Every generated page and data file of the site, rendered from Jinja templates; used by the MkDocs plugin and `builder pages`."""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from builder import charts, exports, fieldref, pagetables, pageviews
from builder.derived import ModelReport, derive_all
from builder.formatting import number
from builder.pageviews import Ref, links_for, quantity
from builder.registry import Registry
from builder.schemas import Schemas

FIRST_ROWS = 100  # rows the index page carries in its HTML; the rest come from rows.json, or from models/list/ without JavaScript
INDEX_PAGES = {"models": "models/index.md", "organizations": "organizations/index.md", "hardware": "hardware/index.md",
               "grids": "grids/index.md", "claims": "claims/index.md"}
KIND_LABELS = {"organizations": "Organization", "hardware": "Hardware", "grids": "Electricity grid", "claims": "Claim"}


@dataclass(frozen=True)
class Generated:
    """One file of the site: its path below the docs root, its content, and the registry file it comes from (for edit links)."""

    path: str
    content: str | bytes
    source: Path | None = None
    html: bool = False  # a page whose body (after the front matter) is plain HTML, needing no Markdown conversion


def split_front_matter(page: str) -> tuple[str, str]:
    """A page's YAML front matter (with its fences) and its body."""
    if page.startswith("---\n"):
        end = page.find("\n---\n", 4)
        if end >= 0:
            return page[: end + 5], page[end + 5:]
    return "", page


def _front(value: str) -> Markup:
    """A front-matter string: HTML-escaped (themes print titles unescaped) and quoted as JSON, which YAML reads."""
    return Markup(json.dumps(html.escape(value), ensure_ascii=False))


def environment() -> Environment:
    """The page templates with autoescape on for every file, so entry text can never become markup."""
    env = Environment(loader=PackageLoader("builder", "templates/pages"), autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True)
    env.filters["front"] = _front
    return env


def _settings(settings: Mapping[str, str] | None) -> dict[str, str]:
    """The site settings with defaults, so pages render without MkDocs too."""
    return {"site_name": "AI Impact Registry", "repo_url": "", "site_url": "", **(settings or {})}


def _correction(repo_url: str, path: str) -> str | None:
    """A GitHub 'new issue' URL naming the entry, or None without an http(s) repository URL."""
    if not pageviews.safe_url(repo_url):
        return None
    return f"{repo_url.rstrip('/')}/issues/new?title={quote(f'Correction: {path}')}&body={quote(f'Entry: {path}')}"


def _yaml_file(kind_folder: str, id_: str, registry: Registry) -> Path:
    """The record's YAML file, whose bytes are offered for download and whose path the edit link opens."""
    return registry.root / kind_folder / f"{id_}.yaml"


def _data_files(registry: Registry, reports: Mapping[str, ModelReport], conf: Mapping[str, str]) -> list[Generated]:
    """The dataset downloads with their page, and the static JSON API with the schemas at stable URLs."""
    version = exports.dataset_version(registry.root)
    data = exports.dataset_files(registry, reports, version)
    out = [Generated(f"downloads/{name}", content) for name, content in sorted(data.items())]
    out.append(Generated("downloads/index.md", exports.downloads_page(data, version, conf["site_url"] or "", files_url="")))
    out += [Generated(path, content) for path, content in sorted(exports.api_files(registry, reports, version).items())]
    return out


def methodology(reports: Mapping[str, ModelReport], registry: Registry) -> dict[str, Any]:
    """The formulas the registry uses today (with counts) and every assumption with its value, range and sources."""
    used: Counter[tuple[str, str, str]] = Counter()
    for r in reports.values():
        found = [*r.training.metrics.values(), *r.equivalents.values(), *(m for m in (r.inference_estimate, r.break_even) if m is not None)]
        for m in found:
            if m.method == "estimated":
                used[(pageviews.METRIC_LABELS.get(m.name, m.name.replace("_", " ")), m.path, m.formula)] += 1
            if m.estimate is not None:
                used[(pageviews.METRIC_LABELS.get(m.name, m.name), m.estimate.path, m.estimate.formula)] += 1
    known = {s.id: s for s in registry.assumption_sources}
    assumptions = []
    for a in sorted(registry.assumptions.values(), key=lambda a: a.id):
        q = quantity(a.value, a.low, a.high)
        why = " ".join(x for x in (a.rationale, a.note) if x)
        assumptions.append({"id": a.id, "description": a.description, "value": q.value, "range": q.range or "exact", "unit": a.unit,
                            "sources": links_for(a.sources, known), "why": why})
    table = registry.openness_scoring
    openness = None
    if isinstance(table.get("status_weights"), Mapping):
        openness = {"description": str(table.get("description", "")),
                    "weights": [(k, number(float(v["weight"])), str(v.get("rationale", ""))) for k, v in table["status_weights"].items()
                                if isinstance(v, Mapping) and "weight" in v]}
    ecologits = pageviews.source_link(known["ecologits-method"]) if "ecologits-method" in known else None
    return {"formulas": [(*k, n) for k, n in sorted(used.items())], "assumptions": assumptions, "openness": openness, "ecologits": ecologits}


def generate(registry: Registry, reports: Mapping[str, ModelReport] | None = None,
             settings: Mapping[str, str] | None = None) -> list[Generated]:
    """Every generated page (Markdown with HTML from the templates) and data file, by path below the docs root."""
    reports = reports if reports is not None else derive_all(registry)
    conf = _settings(settings)
    env = environment()
    out: list[Generated] = []
    claims_by_model: dict[str, list[Ref]] = {}
    for c in registry.claims.values():
        for mid in c.related_models:
            claims_by_model.setdefault(mid, []).append(Ref(f"../../claims/{c.id}/", c.title))

    model_t = env.get_template("model.md.j2")
    for model_id, report in reports.items():
        view = pageviews.model_view(report, registry, conf, claims_by_model.get(model_id, []))
        source = _yaml_file("models", model_id, registry)
        out.append(Generated(f"models/{model_id}.md", model_t.render(v=view), source, html=True))
        out.append(Generated(f"models/{model_id}/{model_id}.yaml", source.read_bytes()))

    rows = pagetables.index_rows(reports, registry)
    out.append(Generated(INDEX_PAGES["models"], env.get_template("models_index.md.j2").render(
        rows=rows, shown=rows[:FIRST_ROWS], filters=pagetables.filter_options(rows)), html=True))
    out.append(Generated("models/list.md", env.get_template("models_list.md.j2").render(rows=rows, groups=pagetables.by_letter(rows)),
                         html=True))
    out.append(Generated("models/rows.json", pagetables.rows_json(rows)))

    out += _data_files(registry, reports, conf)

    entity_t = env.get_template("entity.md.j2")
    kinds: list[tuple[str, Mapping[str, Any], Any]] = [
        ("organizations", registry.organizations, pageviews.organization_view), ("hardware", registry.hardware, pageviews.hardware_view),
        ("grids", registry.grids, pageviews.grid_view), ("claims", registry.claims, pageviews.claim_view)]
    index_t = env.get_template("entity_index.md.j2")
    for folder, records, make in kinds:
        items = []
        for id_ in sorted(records):
            ev: pageviews.EntityView = make(id_, registry)
            source = _yaml_file(folder, id_, registry)
            out.append(Generated(f"{folder}/{id_}.md", entity_t.render(v=ev, kind_label=KIND_LABELS[folder],
                                                                        correction_url=_correction(conf["repo_url"], ev.path)), source,
                                 html=True))
            out.append(Generated(f"{folder}/{id_}/{id_}.yaml", source.read_bytes()))
            items.append((f"{id_}/", ev.name, None if folder == "claims" else len(ev.models)))
        title = {"organizations": "Organizations", "hardware": "Hardware", "grids": "Electricity grids", "claims": "Claims"}[folder]
        intro = {"organizations": "Who developed the models in the registry.", "hardware": "Accelerators the models were trained on.",
                 "grids": "Electricity grids and their carbon intensity.", "claims": "Widely repeated claims about AI's footprint, checked."}[folder]
        out.append(Generated(INDEX_PAGES[folder], index_t.render(title=title, intro=intro, items=sorted(items, key=lambda i: i[1].lower())),
                             html=True))

    out.append(Generated("index.md", env.get_template("home.md.j2").render(
        site_name=conf["site_name"], h=pagetables.headline(reports), newest=pagetables.newest(reports),
        charts=charts.all_charts(reports, "")), html=True))
    out.append(Generated("methodology.md", env.get_template("methodology.md.j2").render(**methodology(reports, registry)), html=True))
    out.append(Generated("fields.md", env.get_template("fields.md.j2").render(kinds=fieldref.reference(Schemas())), html=True))
    out.append(Generated("inference.md", env.get_template("inference.md.j2").render(p=pageviews.inference_page(reports)), html=True))
    return out


def write(files: list[Generated], out: Path) -> int:
    """Write the generated files below `out` (for another site generator); returns how many were written."""
    for f in files:
        target = out / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(f.content, bytes):
            target.write_bytes(f.content)
        else:
            target.write_text(f.content, encoding="utf-8")
    return len(files)
