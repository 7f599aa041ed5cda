"""Every generated page and data file of the site, rendered from Jinja templates; used by the MkDocs plugin and
`builder pages`."""

from __future__ import annotations

import functools
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup

from builder.derive import calibration
from builder.derive.derived import ModelReport, Reports
from builder.derive.derived import context as derived_context
from builder.derive.metrics import METHODS
from builder.export import bundle as exports
from builder.export import package as export_package
from builder.formatting import number
from builder.load.schemas import Schemas
from builder.records import catalogue
from builder.records.registry import Registry
from builder.site import charts, fieldref
from builder.site import tables as pagetables
from builder.site import views as pageviews
from builder.site.views import Ref, links_for, quantity

# rows the index page carries in its HTML (each costs layout on a phone); the rest come from rows.json, or from
# models/list/ without JavaScript
FIRST_ROWS = 20
INDEX_PAGES = {
    "models": "models/index.md",
    "organizations": "organizations/index.md",
    "hardware": "hardware/index.md",
    "grids": "grids/index.md",
    "claims": "claims/index.md",
}
DOWNLOADS_PAGE = "downloads/index.md"
SEARCH_PAGE = "search.md"  # every result of a search: /search/?q=
COMPARE_PAGE = "compare.md"  # models side by side, built in the browser from the static API: /compare/?m=id1,id2
API_FOLDER = "api"  # the static API: every file in it is written by write_data
ROWS = "models/rows.json"  # every row of the models index, fetched by its script on first use
KIND_LABELS = {"organizations": "Organization", "hardware": "Hardware", "grids": "Electricity grid", "claims": "Claim"}


@dataclass(frozen=True)
class Generated:
    """One file of the site: its path below the docs root, its text, and the registry file it comes from (for edit
    links).

    An HTML page's text is its front matter and its `body` is rendered only when asked, so the MkDocs plugin can list
    every page first and render bodies in another process (which needs no front matter); `copy_of` names a registry
    file served as it is.
    """

    path: str
    given: str | bytes | Callable[[], str]  # the text, or what makes it when first asked
    source: Path | None = None
    body: Callable[[], str] | None = None
    copy_of: Path | None = None

    @functools.cached_property
    def text(self) -> str | bytes:
        return self.given() if callable(self.given) else self.given

    @property
    def content(self) -> str | bytes:
        """The whole file: a page's front matter and body, or the bytes of the registry file it copies."""
        if self.copy_of is not None:
            return self.copy_of.read_bytes()
        if self.body is not None:
            return f"{self.text!s}{self.body()}"
        return self.text


def page(
    template: Template,
    path: str,
    context: Mapping[str, Any],
    more: Callable[[], Mapping[str, Any]] | None = None,
    source: Path | None = None,
) -> Generated:
    """An HTML page from a template with a `front` and a `body` block, each rendered when first asked: the front
    matter from `context`, the body from `context` and `more()` (where the costly views are computed)."""

    def front() -> str:
        return "".join(template.blocks["front"](template.new_context(dict(context)))) + "\n"

    def body() -> str:
        return "".join(
            template.blocks["body"](template.new_context({**context, **(more() if more is not None else {})}))
        )

    return Generated(path, front, source, body)


def _front(value: str) -> Markup:
    """A front-matter string: HTML-escaped (themes print titles unescaped) and quoted as JSON, which YAML reads."""
    return Markup(json.dumps(html.escape(value), ensure_ascii=False))


def _code_spans(text: str) -> Markup:
    """Our own notes, escaped, with `backticked` words as <code>."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(html.escape(text))))


def environment() -> Environment:
    """The page templates with autoescape on for every file, so entry text can never become markup.

    The pieces pages share are macros used as filters (`{{ m.quantity | qty }}`): Jinja calls a filter directly,
    where a call in a template goes through the context's checks, and a model page calls about a hundred of them. A
    filter must exist when a template using it is compiled, so each file's macros are registered before the next
    file, which uses them, is read."""
    env = Environment(
        loader=PackageLoader("builder.site", "templates/pages"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,  # one build reads each template once: no stat per include
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(front=_front, code_spans=_code_spans)
    shared = env.get_template("_globals.j2").module
    env.globals["front"] = shared.front  # type: ignore[attr-defined]
    qty, cited, origin = shared.qty, shared.cited, shared.origin  # type: ignore[attr-defined]
    env.filters.update(qty=_once_each(qty), cited=_once_each(cited), origin=origin)
    items = env.get_template("_items.j2").module
    env.filters.update(
        {name: _once_each(getattr(items, name)) for name in ("input_item", "input_inline", "check_item")}
    )
    pieces = env.get_template("_macros.j2").module
    env.filters["method"] = _once_each(pieces.method)  # type: ignore[attr-defined]
    env.filters.update(
        {
            name: getattr(pieces, name)
            for name in ("metric_details", "checklist", "source_list", "known", "kind", "scope_badges")
        }
    )
    return env


def _once_each(macro: Callable[[Any], Markup]) -> Callable[[Any], Markup]:
    """The macro rendered once per distinct argument (a page prints the same assumption, range or source list many
    times, and 10,000 model pages print about 30,000 distinct quantities and 6,000 source lists 900,000 times, 57,000
    distinct formula inputs 260,000 times and 40,000 checklist lines 210,000 times); an argument that cannot be a key
    is rendered each time."""
    made: dict[Any, Markup] = {}

    def once(value: Any) -> Markup:
        try:
            return made[value]
        except KeyError:
            out = made[value] = macro(value)
            return out
        except TypeError:  # unhashable: a list
            return macro(value)

    return once


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


def data_files(registry: Registry, reports: Mapping[str, ModelReport], version: str) -> dict[str, bytes]:
    """The dataset downloads (under downloads/) and the static JSON API with the schemas at stable URLs, by site
    path."""
    found = exports.encoded(registry, reports)
    published = exports.dataset_files(
        registry, reports, version, found, gzip_names=exports.SITE_GZIP
    )  # the bulkiest as .gz
    files = {f"downloads/{name}": content for name, content in published.items()}
    files.update(exports.api_files(registry, reports, version, found))
    return dict(sorted(files.items()))


def listed(files: Mapping[str, bytes]) -> list[exports.Download]:
    """The downloads of a site's data files, as the downloads page lists them."""
    return exports.downloads(
        {name.removeprefix("downloads/"): b for name, b in files.items() if name.startswith("downloads/")}
    )


def downloads_page(
    env: Environment, downloads: Callable[[], Sequence[exports.Download] | None], version: str, conf: Mapping[str, str]
) -> Generated:
    """The downloads page; its file table (sizes, checksums) comes from `downloads()`, called when the body is
    rendered (None: the files are being written, which the page says)."""
    site = (conf["site_url"] or "").rstrip("/") + "/"
    context = {
        "version": version,
        "site": site,
        "absolute_files": site + "downloads/",
        "license": export_package.LICENSE,
        "credits": export_package.CREDITS,
        "citation": export_package.citation_text(version),
        "bibtex": export_package.bibtex(version),
    }
    return page(env.get_template("downloads.md.j2"), DOWNLOADS_PAGE, context, lambda: {"downloads": downloads()})


def methodology(reports: Mapping[str, ModelReport], registry: Registry) -> dict[str, Any]:
    """The formulas the registry uses today (with counts) and every assumption with its value, range and sources."""
    used: Counter[tuple[str, str, str]] = Counter()
    methods: Counter[str] = Counter()
    for r in reports.values():
        methods.update(m.method for m in r.training.metrics.values())
        for m in r.metrics.values():
            if m.method == "estimated":
                used[(catalogue.metric(m.name).label, m.path, m.formula)] += 1
            if m.estimate is not None:
                used[(catalogue.metric(m.name).label, m.estimate.path, m.estimate.formula)] += 1
    known = {s.id: s for s in registry.assumption_sources}
    assumptions = []
    for a in sorted(registry.assumptions.values(), key=lambda a: a.id):
        q = quantity(a.value, a.low, a.high)
        why = " ".join(x for x in (a.rationale, a.note) if x)
        assumptions.append(
            {
                "id": a.id,
                "description": a.description,
                "value": q.value,
                "range": q.range or "exact",
                "unit": a.unit,
                "sources": links_for(a.sources, known),
                "why": why,
            }
        )
    table = registry.openness_scoring
    openness = None
    if isinstance(table.get("status_weights"), Mapping):
        openness = {
            "description": str(table.get("description", "")),
            "weights": [
                (k, number(float(v["weight"])), str(v.get("rationale", "")))
                for k, v in table["status_weights"].items()
                if isinstance(v, Mapping) and "weight" in v
            ],
            "unknown": table.get("unknown_counts_as"),
            "rules": _openness_rules(table),
        }
    ecologits = pageviews.source_link(known["ecologits-method"]) if "ecologits-method" in known else None
    precedence = registry.precedence
    return {
        "formulas": [(*k, n) for k, n in sorted(used.items())],
        "assumptions": assumptions,
        "openness": openness,
        "ecologits": ecologits,
        "methods": [(name, meaning, methods[name]) for name, meaning in METHODS.items()],
        "precedence": {
            "description": str(precedence.get("description", "")),
            "tiers": list(precedence.get("tiers") or ()),
            "rules": list(precedence.get("rules") or ()),
        }
        if precedence
        else None,
        "rules": rules_in_use(reports),
        "operators": operators(registry, known),
        "calibration": calibration_view(reports, registry),
        "organization_kinds": [
            (kind, entry["pue"], entry["rationale"]) for kind, entry in sorted(registry.organization_kinds.items())
        ],
    }


def rules_in_use(reports: Mapping[str, ModelReport]) -> list[tuple[str, str, int]]:
    """(input, rule, models) for every rule that chose an input of a training estimate, most used first."""
    used: Counter[tuple[str, str]] = Counter()
    for r in reports.values():
        for m in r.training.metrics.values():
            if m.method == "estimated":
                used.update({(i.name, _rule_kind(i.rule)) for i in m.inputs if i.rule})
    return [
        (name, rule, n) for (name, rule), n in sorted(used.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    ]


def _rule_kind(rule: str) -> str:
    """A rule without the organization it names (so that 'trained by meta' and 'trained by google' count as one
    rule)."""
    rule = re.sub(r"(trained by|the country of) [a-z0-9][a-z0-9.-]*[a-z0-9]", r"\1 <organization>", rule)
    return re.sub(r"\b\d{4}-\d{4}\b", "<years>", rule)


def operators(registry: Registry, known: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The data-centre operators with the organizations taken to train there and their fleet PUE."""
    out = []
    for op in registry.operators.values():
        a = registry.assumptions.get(op.pue)
        q = quantity(a.value, a.low, a.high) if a is not None else quantity(None)
        out.append(
            {
                "name": op.name,
                "organizations": ", ".join(op.organizations),
                "clouds": ", ".join(op.clouds),
                "pue": op.pue,
                "value": q.value,
                "range": q.range,
                "sources": links_for(op.sources, known),
                "note": op.note or "",
            }
        )
    return out


def calibration_view(reports: Mapping[str, ModelReport], registry: Registry) -> dict[str, Any]:
    """Coverage and median error of the holdout estimates, overall, by metric and case by case, and of estimates from
    compute alone."""
    cal = calibration.of_reports(reports)
    blind = calibration.compute_only(reports, derived_context(registry))
    rows = [
        (calibration.LABELS.get(name, name), c.count, c.inside, f"{c.share_inside:.0%}", f"{c.median_ratio:.2f}")
        for name, c in cal.by_metric().items()
    ]
    cases = [
        (
            c.model_id,
            calibration.LABELS.get(c.metric, c.metric),
            number(c.reported),
            number(c.value),
            f"{number(c.low)}–{number(c.high)}",
            "yes" if c.inside else "no",
            f"{c.ratio:.2f}",
        )
        for c in cal.cases
    ]
    return {
        "count": cal.count,
        "inside": cal.inside,
        "share": f"{cal.share_inside:.0%}",
        "median": f"{cal.median_ratio:.2f}",
        "rows": rows,
        "cases": cases,
        "compute_only": {
            "count": blind.count,
            "inside": blind.inside,
            "share": f"{blind.share_inside:.0%}",
            "median": f"{blind.median_ratio:.2f}",
        },
    }


def _openness_rules(table: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The validation rules the openness table drives (rule code, what it rejects, why), for the methodology page."""
    rules = table.get("consistency") or {}
    out = []
    if "closed_weights" in rules:
        out.append(
            (
                "openness-checkpoints-closed",
                f"checkpoints released while weights are {', '.join(rules['closed_weights']['values'])}",
                str(rules["closed_weights"]["rationale"]),
            )
        )
    for cls in table.get("license_classes") or []:
        if cls.get("weights_contradicts"):
            out.append(
                (
                    f"openness-{cls['id']}-weights",
                    f"weights {' or '.join(cls['weights_contradicts'])} under a licence of the class {cls['id']}",
                    str(cls.get("weights_rationale", "")),
                )
            )
    if "mixed_weights" in rules:
        out.append(
            (
                "openness-licence-mixed",
                f"one unclassified licence giving weights both {' and '.join(rules['mixed_weights']['values'])}",
                str(rules["mixed_weights"]["rationale"]),
            )
        )
    return out


IndexRows = Callable[[], list[pagetables.IndexRow]]


def index_rows(registry: Registry, reports: Mapping[str, ModelReport]) -> IndexRows:
    """The models index's rows, computed once when first asked, for both its pages and rows.json."""
    return functools.cache(lambda: pagetables.index_rows(reports, registry))


def write_data(
    registry: Registry,
    reports: Mapping[str, ModelReport],
    version: str,
    site: Path,
    rows: IndexRows | None = None,
    prune: bool = True,
) -> list[exports.Download]:
    """Write the downloads, the static API and the models index's rows (`rows`, if given as `generate` was) into a
    built site and, with `prune`, remove API files of records gone since the site was last built (pass False for a
    site folder emptied before the build: there is nothing to look for); returns the downloads as their page lists
    them."""
    files = data_files(registry, reports, version)
    files[ROWS] = pagetables.rows_json((rows or index_rows(registry, reports))()).encode("utf-8")
    made: set[Path] = set()
    for path, content in files.items():
        target = site / path
        if (
            target.parent not in made
        ):  # one folder holds thousands of API files: one mkdir call for it, not one per file
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(content)
    for old in (site / API_FOLDER).rglob("*") if prune else ():  # records removed since a dirty build's last site
        if old.is_file() and old.relative_to(site).as_posix() not in files:
            old.unlink()
    return listed(files)


def generate(
    registry: Registry,
    reports: Mapping[str, ModelReport] | None = None,
    settings: Mapping[str, str] | None = None,
    downloads: Callable[[], Sequence[exports.Download] | None] | None = None,
    version: str | None = None,
    rows: IndexRows | None = None,
) -> list[Generated]:
    """Every generated page and file by path below the docs root. Without `reports`, each model is derived when a
    page body or a data file first needs it. Given `downloads` (which lists the downloads once the caller has written
    them with `write_data`, or gives None while it writes them), the data files, the static API and the models
    index's rows are left out, and the downloads page lists what `downloads` gives. `version` is the dataset version
    when the caller has it (else read from git). `rows` gives the models index's rows when the caller shares them
    with `write_data`."""
    reports = reports if reports is not None else Reports(registry)
    conf = _settings(settings)
    env = environment()
    out: list[Generated] = []
    claims_by_model: dict[str, list[Ref]] = {}
    for c in registry.claims.values():
        for mid in c.related_models:
            claims_by_model.setdefault(mid, []).append(Ref(f"../../claims/{c.id}/", c.title))

    model_t = env.get_template("model.md.j2")
    book = pageviews.SourceBook(registry)
    for model_id in sorted(registry.models):
        source = _yaml_file("models", model_id, registry)
        view = functools.partial(
            _model_context, model_id, reports, registry, conf, claims_by_model.get(model_id, []), book
        )
        out.append(
            page(
                model_t,
                f"models/{model_id}.md",
                {
                    "name": registry.models[model_id].name,
                    "summary": pageviews.model_summary(registry.models[model_id], registry),
                },
                view,
                source,
            )
        )
        out.append(Generated(f"models/{model_id}/{model_id}.yaml", b"", copy_of=source))

    out += redirects(env, registry)
    rows = rows or index_rows(registry, reports)

    @functools.cache
    def by_id() -> dict[str, pagetables.IndexRow]:
        return {r.id: r for r in rows()}

    out.append(
        page(
            env.get_template("models_index.md.j2"),
            INDEX_PAGES["models"],
            {"total": len(registry.models)},
            lambda: _index_context(rows()),
        )
    )
    out.append(
        page(
            env.get_template("models_list.md.j2"),
            "models/list.md",
            {},
            lambda: {"rows": rows(), "groups": pagetables.by_letter(rows())},
        )
    )

    entity_t = env.get_template("entity.md.j2")
    kinds: list[tuple[str, Mapping[str, Any], Any]] = [
        ("organizations", registry.organizations, pageviews.organization_view),
        ("hardware", registry.hardware, pageviews.hardware_view),
        ("grids", registry.grids, pageviews.grid_view),
        ("claims", registry.claims, pageviews.claim_view),
    ]
    index_t = env.get_template("entity_index.md.j2")
    for folder, records, make in kinds:
        items = []
        for id_ in sorted(records):
            ev: pageviews.EntityView = make(id_, registry)
            source = _yaml_file(folder, id_, registry)
            more = functools.partial(_organization_models, ev, by_id) if folder == "organizations" else None
            out.append(
                page(
                    entity_t,
                    f"{folder}/{id_}.md",
                    {
                        "v": ev,
                        "kind_label": KIND_LABELS[folder],
                        "summary": _entity_summary(ev),
                        "correction_url": _correction(conf["repo_url"], ev.path),
                        "org": None,
                    },
                    more,
                    source=source,
                )
            )
            out.append(Generated(f"{folder}/{id_}/{id_}.yaml", b"", copy_of=source))
            items.append((f"{id_}/", ev.name, None if folder == "claims" else len(ev.models), ev.verdict))
        title = {
            "organizations": "Organizations",
            "hardware": "Hardware",
            "grids": "Electricity grids",
            "claims": "Claims",
        }[folder]
        intro = {
            "organizations": "Who developed the models in the registry.",
            "hardware": "Accelerators the models were trained on.",
            "grids": "Electricity grids and their carbon intensity.",
            "claims": "Widely repeated claims about AI's footprint, checked.",
        }[folder]
        verdicts = [pageviews.verdict(k) for k in pageviews.VERDICTS] if folder == "claims" else []
        out.append(
            page(
                index_t,
                INDEX_PAGES[folder],
                {
                    "title": title,
                    "intro": intro,
                    "items": sorted(items, key=lambda i: str(i[1]).lower()),
                    "verdicts": verdicts,
                    "key_table": pagetables.key_figures(folder, registry),
                },
            )
        )

    claims = [
        (f"claims/{c.id}/", c.title, pageviews.verdict(c.verdict))
        for c in sorted(registry.claims.values(), key=lambda c: c.title.lower())
    ]
    drawn = functools.cache(lambda: charts.all_charts(reports, "../"))  # on their own page: the home page lists them
    out.append(page(env.get_template("charts.md.j2"), "charts.md", {}, lambda: {"charts": drawn()}))
    out.append(
        page(
            env.get_template("home.md.j2"),
            "index.md",
            {"site_name": conf["site_name"]},
            lambda: {
                "h": pagetables.headline(reports),
                "newest": pagetables.newest(reports),
                "charts": drawn(),
                "claims": claims,
                "queries": pageviews.query_answers(reports),
                "trained": pagetables.headline_models(rows()),
            },
        )
    )
    out.append(
        page(env.get_template("methodology.md.j2"), "methodology.md", {}, lambda: methodology(reports, registry))
    )
    out.append(page(env.get_template("compare.md.j2"), COMPARE_PAGE, {}))
    out.append(page(env.get_template("search.md.j2"), SEARCH_PAGE, {}))
    out.append(
        page(
            env.get_template("fields.md.j2"),
            "fields.md",
            {},
            lambda: {"kinds": fieldref.reference(Schemas(registry.schema_folder))},
        )
    )
    out.append(
        page(env.get_template("inference.md.j2"), "inference.md", {}, lambda: {"p": pageviews.inference_page(reports)})
    )
    out.append(
        page(env.get_template("coverage.md.j2"), "coverage.md", {}, lambda: {"p": pageviews.coverage_page(reports)})
    )

    version = version or exports.dataset_version(registry.root)
    if downloads is None:
        out.append(Generated(ROWS, pagetables.rows_json(rows())))
        files = data_files(registry, reports, version)
        out += [Generated(path, content) for path, content in files.items()]
        out.append(downloads_page(env, lambda: listed(files), version, conf))
    else:
        out.append(downloads_page(env, downloads, version, conf))  # last: MkDocs builds it after every other page
    return out


def redirects(env: Environment, registry: Registry) -> list[Generated]:
    """A page at each former id of a model or organization, sending readers of the old address to the record it now
    is."""
    template = env.get_template("redirect.md.j2")
    out = []
    kinds: list[tuple[str, str, Mapping[str, Any]]] = [
        ("models", "model", registry.models),
        ("organizations", "organization", registry.organizations),
    ]
    for folder, what, records in kinds:
        for record in records.values():
            for old in record.former_ids:
                context = {
                    "name": record.name,
                    "old": old,
                    "new": record.id,
                    "target": f"../{record.id}/",
                    "what": what,
                }
                out.append(
                    page(template, f"{folder}/{old}.md", context, source=_yaml_file(folder, record.id, registry))
                )
    return sorted(out, key=lambda g: g.path)


WEIGHTS_LEGEND = (
    ("open", "downloadable by anyone under the stated licence"),
    ("gated", "downloadable after approval or sign-up"),
    ("restricted", "downloadable under a licence that restricts use"),
    ("api-only", "usable only through the developer's API; weights not released"),
    ("hosted-only", "usable only in the developer's own product"),
    ("unreleased", "announced or described, not available"),
    ("unknown", "no source says"),
)


def _index_context(rows: list[pagetables.IndexRow]) -> dict[str, Any]:
    """The models index: its first rows in the default order, the filters and the legend."""
    ordered = pagetables.default_order(
        [r for r in rows if not r.openness_only]
    )  # openness-only records are hidden at first
    present = {r.weights for r in rows}
    return {
        "rows": rows,
        "shown": ordered[:FIRST_ROWS],
        "default_sort": pagetables.DEFAULT_SORT,
        "filters": pagetables.filter_options(rows, pagetables.SELECTS),
        "organizations": pagetables.organizations(rows),
        "years": pagetables.years(rows),
        "weights_legend": [(k, v) for k, v in WEIGHTS_LEGEND if k in present]
        + [(k, "") for k in sorted(present - {k for k, _ in WEIGHTS_LEGEND})],
    }


def _organization_models(
    ev: pageviews.EntityView, by_id: Callable[[], Mapping[str, pagetables.IndexRow]]
) -> dict[str, Any]:
    """An organization page's table of its models (the index's rows, computed once per build) with totals."""
    return {"org": pagetables.organization_table([m.href.rstrip("/").rsplit("/", 1)[-1] for m in ev.models], by_id())}


def _entity_summary(ev: pageviews.EntityView) -> str:
    """An entity's key facts as 'label: value', for search results and link previews."""
    facts = [f"{label}: {text}" for label, text in ev.facts[:4] if text != "unknown"]
    if ev.verdict is not None:
        facts.insert(0, f"Verdict: {ev.verdict.label}")
    if ev.kind != "claims" and ev.models:
        facts.append(f"{len(ev.models)} model{'s' if len(ev.models) != 1 else ''} in the registry")
    return "; ".join(facts) or ev.name


def _model_context(
    model_id: str,
    reports: Mapping[str, ModelReport],
    registry: Registry,
    conf: Mapping[str, str],
    claims: list[Ref],
    book: pageviews.SourceBook,
) -> dict[str, Any]:
    return {"v": pageviews.model_view(reports[model_id], registry, conf, claims, book)}


def write(files: list[Generated], out: Path) -> int:
    """Write the generated files below `out` (for another site generator); returns how many were written."""
    for f in files:
        target = out / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        content = f.content
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return len(files)
