"""Flat, normalised tables of the registry: one column list per table, shared by CSV, SQLite, Parquet and the Table
Schemas."""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from builder.derive.derived import ModelReport
from builder.derive.metrics import METHODS, METHODS_TEXT, Metric
from builder.derive.summaries import BITS
from builder.formatting import exact
from builder.load.schemas import Schemas
from builder.records import catalogue
from builder.records.registry import Registry
from builder.records.types import FIGURE_FIELDS, RELATIONS, Figure, Source
from builder.spreadsheet import neutral

LIST_SEPARATOR = "; "
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One column: Table Schema type (string, number, integer, boolean) and what it means."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table with its rows in primary-key order, each row a tuple in column order (None when unknown)."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


class Describer:
    """Column descriptions read from the JSON Schemas, so the data dictionary never drifts from the contributor docs."""

    def __init__(self, schemas: Schemas) -> None:
        self.documents = schemas.documents

    def __call__(self, kind: str, *path: str) -> str:
        node: Mapping[str, Any] = self.documents[f"{kind}.schema.json"]
        for part in path:
            node = self._child(node, part, kind)
        description = node.get("description")
        if not isinstance(description, str):
            raise KeyError(f"{kind}.schema.json has no description at {'.'.join(path)}")
        return description

    def _child(self, node: Mapping[str, Any], part: str, kind: str) -> Mapping[str, Any]:
        if part.startswith("$defs/"):
            return node["$defs"][part.removeprefix("$defs/")]  # type: ignore[no-any-return]
        candidates = [node, *node.get("oneOf", ()), *node.get("anyOf", ()), *node.get("allOf", ())]
        if "$ref" in node:
            candidates.append(self._resolve(str(node["$ref"]), kind))
        for candidate in candidates:
            if part == "*":
                for key in ("items", "additionalProperties"):
                    if isinstance(candidate.get(key), Mapping):
                        return candidate[key]  # type: ignore[no-any-return]
            elif part in candidate.get("properties", {}):
                return candidate["properties"][part]  # type: ignore[no-any-return]
        raise KeyError(f"{kind}.schema.json has no property '{part}'")

    def _resolve(self, ref: str, kind: str) -> Mapping[str, Any]:
        document, _, pointer = ref.partition("#")
        node: Mapping[str, Any] = self.documents[document or f"{kind}.schema.json"]
        for part in pointer.strip("/").split("/"):
            node = node[part]
        return node


def value_of(raw: Any) -> Any:
    """The value of a figure or status written plainly or as {value, ...}."""
    return raw.get("value") if isinstance(raw, dict) else raw


def dig(data: Any, *path: str) -> Any:
    """The value at `path` in YAML data (plain dicts, so no ABC check: 1.6 million of them in an export at 10,000
    models)."""
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def joined(items: Iterable[Any] | None) -> str | None:
    """A list as one cell; None (an empty cell) when there is nothing."""
    texts = [str(i) for i in items or ()]
    return LIST_SEPARATOR.join(texts) if texts else None


def as_list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [raw]


def _rows(columns: Sequence[Column], rows: Iterable[Row], key: Sequence[str]) -> tuple[tuple[Any, ...], ...]:
    """Rows as tuples in column order, sorted by primary key; a row with other keys than the columns is a bug."""
    names = [c.name for c in columns]
    expected = set(names)
    out = []
    for row in rows:
        if row.keys() != expected:
            raise ValueError(f"row keys differ from columns: {sorted(set(row) ^ expected)}")
        out.append(tuple([row[n] for n in names]))
    return _sorted(out, names, key)


def _in_order(
    columns: Sequence[Column], names: Sequence[str], rows: Iterable[tuple[Any, ...]], key: Sequence[str]
) -> tuple[tuple[Any, ...], ...]:
    """Rows made as tuples with the cells `names` lists (which must be the columns, in order), sorted by primary key:
    for the tables of every metric and every input (hundreds of thousands of rows), where a dict per row is slow."""
    if [c.name for c in columns] != list(names):
        raise ValueError(f"cells differ from columns: {list(names)} != {[c.name for c in columns]}")
    return _sorted(list(rows), names, key)


def _sorted(out: list[tuple[Any, ...]], names: Sequence[str], key: Sequence[str]) -> tuple[tuple[Any, ...], ...]:
    positions = [list(names).index(k) for k in key]
    if any(r[p] is None for r in out for p in positions):
        out.sort(key=lambda r: tuple((r[p] is not None, r[p]) for p in positions))  # an empty key cell sorts first
    else:
        out.sort(key=operator.itemgetter(*positions))  # the same order, without a tuple of pairs per row
    return tuple(out)


def _table(
    name: str,
    title: str,
    description: str,
    columns: Sequence[Column],
    key: Sequence[str],
    rows: Iterable[Row],
    foreign_keys: Sequence[ForeignKey] = (),
) -> Table:
    return Table(name, title, description, tuple(columns), tuple(key), _rows(columns, rows, key), tuple(foreign_keys))


RELATION_NOTE = " The id of another row of this table."
LIST_NOTE = f" Several values are separated by '{LIST_SEPARATOR}'."
DATE_NOTE = " ISO 8601 date as precise as published: YYYY, YYYY-MM or YYYY-MM-DD."
LOCATION_FIELDS = ("country", "grid", "datacenter", "cloud", "operator_type")
INTEGER_FIGURES = ("accelerator_count",)


@dataclass(frozen=True)
class _Field:
    """A model column read from the YAML: where it is, its type and how to read it."""

    name: str
    path: tuple[str, ...]
    type: str
    read: Callable[[Any], Any] = value_of
    suffix: str = ""


def provenance_of(raw: Any) -> str | None:
    """Who stands behind a record's figure, as its method: None when the figure is unknown (a plain number is the
    developer's)."""
    if raw is None or (isinstance(raw, dict) and raw.get("value") is None):
        return None
    if not isinstance(raw, dict):
        return "reported"
    return str(raw.get("provenance") or ("reported-estimate" if raw.get("estimated") else "reported"))


PROVENANCE_TEXT = (
    "Who stands behind the figure of the previous column (empty when unknown): "
    + "; ".join(f"{k}: {v}" for k, v in METHODS.items() if k != "estimated")
    + "."
)


def _figure(name: str, path: tuple[str, ...], type_: str) -> tuple[_Field, _Field]:
    """A record's figure and, beside it, its provenance: the reader of a leaked or estimated figure sees it is one."""
    return _Field(name, path, type_), _Field(f"{name}_provenance", path, "string", provenance_of)


def _model_fields(describe: Describer) -> list[_Field]:
    openness = describe.documents["model.schema.json"]["properties"]["openness"]["properties"]
    fields = [
        _Field("id", ("id",), "string"),
        _Field("name", ("name",), "string"),
        _Field("aliases", ("aliases",), "string", joined, LIST_NOTE),
        _Field("organizations", ("organization",), "string", lambda v: joined(as_list(v)), LIST_NOTE),
        *(_Field(relation, (relation,), "string", suffix=RELATION_NOTE) for relation in RELATIONS),
        _Field("former_ids", ("former_ids",), "string", joined, LIST_NOTE),
        _Field("released", ("released",), "string", suffix=DATE_NOTE),
        _Field("domains", ("domains",), "string", joined, LIST_NOTE),
        _Field("description", ("description",), "string"),
        _Field("architecture", ("architecture",), "string"),
        *_figure("parameters", ("parameters",), "number"),
        *_figure("active_parameters", ("active_parameters",), "number"),
        _Field("training_precision", ("training", "precision"), "string"),
        _Field("training_accelerator", ("training", "accelerator"), "string"),
        *(
            c
            for f in FIGURE_FIELDS
            for c in _figure(f"training_{f}", ("training", f), "integer" if f in INTEGER_FIGURES else "number")
        ),
        *(_Field(f"training_{f}", ("training", "location", f), "string") for f in LOCATION_FIELDS),
        _Field("training_started", ("training", "started"), "string", suffix=DATE_NOTE),
        _Field("training_ended", ("training", "ended"), "string", suffix=DATE_NOTE),
        _Field("training_scope", ("training", "scope"), "string"),
        *(_Field(f"openness_{k}", ("openness", k), "string") for k in openness if k not in ("note", "sources")),
        _Field(
            "access_providers",
            ("access", "api", "providers"),
            "string",
            lambda v: joined(p["name"] if isinstance(p, Mapping) else p for p in v or ()),
            LIST_NOTE,
        ),
        *(
            _Field(f"access_price_{k}", ("access", "api", "price_usd_per_million_tokens", k), "number")
            for k in ("input", "output")
        ),
        _Field(
            "access_price_as_of", ("access", "api", "price_usd_per_million_tokens", "as_of"), "string", suffix=DATE_NOTE
        ),
        _Field("access_free_tier", ("access", "free_tier"), "boolean"),
        _Field("access_gating", ("access", "gating"), "string"),
        _Field(
            "access_unavailable_in",
            ("access", "unavailable_in"),
            "string",
            lambda v: joined(sorted(u["country"] for u in v or ())),
            LIST_NOTE,
        ),
        _Field("access_languages", ("access", "languages"), "string", joined, LIST_NOTE),
        *(_Field(f"links_{k}", ("links", k), "string") for k in ("homepage", "repository", "weights", "paper")),
        _Field("note", ("note",), "string"),
    ]
    return fields


def _metric_label(name: str, describe: Describer) -> tuple[str, str]:
    """What a derived metric measures and its unit, from its catalogue row (a training figure's: from the schema)."""
    row = catalogue.metric(name)
    return (describe("model", *row.schema) if row.schema else row.description), row.unit


def derived_names() -> tuple[str, ...]:
    """Every derived metric, in the catalogue's order: training, inference, everyday equivalents."""
    return tuple(catalogue.METRICS)


def _derived_columns(describe: Describer) -> list[Column]:
    out: list[Column] = []
    for name in derived_names():
        label, unit = _metric_label(name, describe)
        best = f"Derived ({unit}): the reported figure when a source gives one, else the registry's estimate. {label}"
        out += [
            Column(name, "number", best),
            Column(f"{name}_low", "number", f"Low end of the range of {name} ({unit})."),
            Column(f"{name}_high", "number", f"High end of the range of {name} ({unit})."),
            Column(f"{name}_method", "string", f"How {name} was obtained, and who stands behind it: {METHODS_TEXT}."),
            Column(
                f"{name}_path",
                "string",
                f"Which estimation path gave {name} (such as 6ND, hours x power, grid); for a figure "
                "read in a source: reported, source's estimate or third-party estimate. See "
                "derived_metrics.csv for formula, inputs and a third party's confidence.",
            ),
        ]
    return out


SUMMARY_COLUMNS = (
    *(
        Column(
            f"memory_{b}bit_gb",
            "number",
            f"Derived: memory needed to run the model with {b}-bit weights, in GB (parameters x "
            f"{b}/8 bytes x an overhead factor from the assumptions).",
        )
        for b in BITS
    ),
    *(
        Column(
            f"memory_{b}bit_fits",
            "string",
            f"Derived: the smallest hardware class whose memory holds the {b}-bit weights.",
        )
        for b in BITS
    ),
    Column(
        "transparency_share",
        "number",
        "Derived: share (0 to 1) of key training figures disclosed: compute, hardware, energy, emissions, location.",
    ),
    Column(
        "openness_score",
        "number",
        "Derived: openness score from 0 to 100 (capped by the licence class), from the openness table; "
        "an unknown status field counts as closed, so read it with openness_coverage.",
    ),
    Column(
        "openness_coverage",
        "number",
        "Derived: share (0 to 1) of the openness fields the score rests on that have a known status.",
    ),
    Column(
        "openness_mof_class", "string", "Derived: Model Openness Framework class the released components reach, if any."
    ),
    Column(
        "openness_osaid_met",
        "boolean",
        "Derived: whether the released components meet the Open Source AI Definition checklist.",
    ),
    Column(
        "openness_only",
        "boolean",
        "Derived: true when the record holds openness data only (no release date, parameters, "
        "training or inference figures, or access), as records made from an openness listing alone.",
    ),
)


def _field_column(f: _Field, describe: Describer) -> Column:
    if f.name.endswith("_provenance"):
        return Column(f.name, f.type, PROVENANCE_TEXT)
    return Column(f.name, f.type, describe("model", *f.path) + f.suffix)


def model_columns(describe: Describer) -> list[Column]:
    fields = [_field_column(f, describe) for f in _model_fields(describe)]
    return [*fields, *_derived_columns(describe), *SUMMARY_COLUMNS]


def _metric_cells(name: str, metric: Metric | None) -> Row:
    if metric is None:
        return {name: None, f"{name}_low": None, f"{name}_high": None, f"{name}_method": None, f"{name}_path": None}
    return {
        name: exact(metric.value),
        f"{name}_low": exact(metric.low),
        f"{name}_high": exact(metric.high),
        f"{name}_method": metric.method,
        f"{name}_path": metric.path,
    }


def model_row(report: ModelReport, fields: Sequence[_Field]) -> Row:
    data = report.model.data
    row: Row = {f.name: f.read(dig(data, *f.path)) for f in fields}
    metrics = report.metrics
    for name in derived_names():
        row.update(_metric_cells(name, metrics.get(name)))
    need = {m.bits: m for m in report.access.memory}
    for b in BITS:
        row[f"memory_{b}bit_gb"] = exact(need[b].gigabytes) if b in need else None
        row[f"memory_{b}bit_fits"] = need[b].fits if b in need else None
    o = report.openness
    row.update(
        transparency_share=exact(report.transparency.share),
        openness_score=exact(o.score),
        openness_coverage=exact(o.coverage),
        openness_mof_class=o.mof_class,
        openness_osaid_met=o.osaid_met,
        openness_only=report.openness_only,
    )
    return row


def models_table(reports: Mapping[str, ModelReport], describe: Describer) -> Table:
    fields = _model_fields(describe)
    return _table(
        "models",
        "Models",
        "One row per model: key reported figures, derived figures with range and method, access and openness.",
        model_columns(describe),
        ["id"],
        (model_row(r, fields) for r in reports.values()),
        [ForeignKey(("training_accelerator",), "hardware", ("id",)), ForeignKey(("training_grid",), "grids", ("id",))],
    )


def _simple(
    kind: str,
    names: Sequence[str],
    describe: Describer,
    types: Mapping[str, str] | None = None,
    suffixes: Mapping[str, str] | None = None,
) -> list[Column]:
    types, suffixes = types or {}, suffixes or {}
    return [Column(n, types.get(n, "string"), describe(kind, n) + suffixes.get(n, "")) for n in names]


def hardware_table(registry: Registry, describe: Describer) -> Table:
    precisions = list(describe.documents["hardware.schema.json"]["properties"]["peak_flops"]["properties"])
    columns = [
        *_simple(
            "hardware",
            ("id", "name", "aliases", "vendor", "kind", "released", "tdp_w", "memory_gb"),
            describe,
            {"tdp_w": "number", "memory_gb": "number"},
            {"aliases": LIST_NOTE, "released": DATE_NOTE},
        ),
        *(Column(f"peak_flops_{p}", "number", describe("hardware", "peak_flops", p)) for p in precisions),
        *_simple("hardware", ("note",), describe),
    ]
    rows = (
        {
            "id": h.id,
            "name": h.name,
            "aliases": joined(h.aliases),
            "vendor": h.vendor,
            "kind": h.kind,
            "released": h.released,
            "tdp_w": value_of(h.data.get("tdp_w")),
            "memory_gb": value_of(h.data.get("memory_gb")),
            "note": h.data.get("note"),
            **{f"peak_flops_{p}": value_of(dig(h.data, "peak_flops", p)) for p in precisions},
        }
        for h in registry.hardware.values()
    )
    return _table(
        "hardware",
        "Hardware",
        "Accelerators: power, memory and dense peak throughput per precision.",
        columns,
        ["id"],
        rows,
    )


def grids_tables(registry: Registry, describe: Describer) -> list[Table]:
    grids = _table(
        "grids",
        "Grids",
        "Electricity grids, zones and cloud regions that training runs are located in.",
        _simple("grid", ("id", "name", "kind", "country", "provider", "pue", "note"), describe, {"pue": "number"}),
        ["id"],
        (
            {
                "id": g.id,
                "name": g.name,
                "kind": g.kind,
                "country": g.country,
                "provider": g.provider,
                "pue": value_of(g.data.get("pue")),
                "note": g.data.get("note"),
            }
            for g in registry.grids.values()
        ),
    )
    item = ("intensity", "*")
    columns = [
        Column("grid_id", "string", describe("grid", "id")),
        Column(
            "position",
            "integer",
            "Order of the entry among the grid's intensities, by year (a year may have several entries: "
            "other sources or location- and market-based figures).",
        ),
        *(
            Column(n, t, describe("grid", *item, n))
            for n, t in (
                ("year", "integer"),
                ("g_per_kwh", "number"),
                ("low", "number"),
                ("high", "number"),
                ("basis", "string"),
            )
        ),
        Column("sources", "string", describe("grid", *item, "source") + LIST_NOTE),
        Column("note", "string", describe("grid", *item, "note")),
    ]
    rows = (
        {
            "grid_id": g.id,
            "position": n,
            "year": i.year,
            "g_per_kwh": i.g_per_kwh,
            "low": i.low,
            "high": i.high,
            "basis": i.basis,
            "sources": joined(i.sources),
            "note": i.note,
        }
        for g in registry.grids.values()
        for n, i in enumerate(g.intensity)
    )
    intensity = _table(
        "grid_intensity",
        "Grid carbon intensity",
        "Carbon intensity of each grid by year.",
        columns,
        ["grid_id", "position"],
        rows,
        [ForeignKey(("grid_id",), "grids", ("id",))],
    )
    return [grids, intensity]


def organizations_table(registry: Registry, describe: Describer) -> Table:
    names = ("id", "name", "aliases", "former_ids", "country", "kind", "url", "note")
    rows = (
        {
            "id": o.id,
            "name": o.name,
            "aliases": joined(o.aliases),
            "former_ids": joined(o.former_ids),
            "country": o.country,
            "kind": o.kind,
            "url": o.url,
            "note": o.data.get("note"),
        }
        for o in registry.organizations.values()
    )
    return _table(
        "organizations",
        "Organizations",
        "Organizations that develop models.",
        _simple("organization", names, describe, suffixes={"aliases": LIST_NOTE, "former_ids": LIST_NOTE}),
        ["id"],
        rows,
    )


def model_organizations_table(registry: Registry, describe: Describer) -> Table:
    columns = [
        Column("model_id", "string", describe("model", "id")),
        Column("organization_id", "string", describe("model", "organization")),
    ]
    rows = ({"model_id": m.id, "organization_id": org} for m in registry.models.values() for org in m.organizations)
    return _table(
        "model_organizations",
        "Model developers",
        "Which organizations developed each model (a model may have several).",
        columns,
        ["model_id", "organization_id"],
        rows,
        [ForeignKey(("model_id",), "models", ("id",)), ForeignKey(("organization_id",), "organizations", ("id",))],
    )


def claims_tables(registry: Registry, describe: Describer) -> list[Table]:
    columns = [
        *_simple("claim", ("id", "title", "statement", "verdict"), describe),
        *(
            Column(f"origin_{k}", "string", describe("claim", "origin", k) + (DATE_NOTE if k == "when" else ""))
            for k in ("who", "where", "when")
        ),
        *_simple(
            "claim",
            ("what_it_measured", "explanation", "related_models", "note"),
            describe,
            suffixes={"related_models": LIST_NOTE},
        ),
    ]
    rows = (
        {
            "id": c.id,
            "title": c.title,
            "statement": c.statement,
            "verdict": c.verdict,
            **{f"origin_{k}": dig(c.data, "origin", k) for k in ("who", "where", "when")},
            "what_it_measured": c.data.get("what_it_measured"),
            "explanation": c.data.get("explanation"),
            "related_models": joined(c.related_models),
            "note": c.data.get("note"),
        }
        for c in registry.claims.values()
    )
    claims = _table(
        "claims",
        "Claims",
        "Widely repeated numbers about AI's footprint, traced to their origin, with a verdict.",
        columns,
        ["id"],
        rows,
    )
    link_columns = [
        Column("claim_id", "string", describe("claim", "id")),
        Column("model_id", "string", describe("claim", "related_models", "*")),
    ]
    links = ({"claim_id": c.id, "model_id": m} for c in registry.claims.values() for m in c.related_models)
    claim_models = _table(
        "claim_models",
        "Claim models",
        "Which models each claim is about.",
        link_columns,
        ["claim_id", "model_id"],
        links,
        [ForeignKey(("claim_id",), "claims", ("id",)), ForeignKey(("model_id",), "models", ("id",))],
    )
    return [claims, claim_models]


DISCLOSURE_FIGURES = catalogue.names(catalogue.DISCLOSURE)
LIFECYCLE_FIGURES = catalogue.names(catalogue.LIFECYCLE)
SOURCES_NOTE = " Source ids (see sources.csv); the model's top-level sources when the entry names none."


def _figure_value(fig: Figure | None) -> float | None:
    """A figure's value, empty when unknown (never 0)."""
    return None if fig is None else fig.value


def inference_table(reports: Mapping[str, ModelReport], describe: Describer) -> Table:
    """Every published per-query disclosure, with the registry's per-query and per-1,000-output-token figures."""
    item = ("inference", "*")
    columns = [
        Column("model_id", "string", describe("model", "id")),
        Column(
            "position",
            "integer",
            "Position of the disclosure in the model's inference list, from 1 (the model page's "
            "#inference-1, #inference-2, ...).",
        ),
        *(
            Column(n, t, describe("model", *item, n))
            for n, t in (
                ("query", "string"),
                ("kind", "string"),
                ("output_tokens", "number"),
                ("queries", "number"),
                *((f, "number") for f in DISCLOSURE_FIGURES),
                ("accounting", "string"),
            )
        ),
        Column("scope", "string", describe("model", *item, "scope") + LIST_NOTE),
        *(Column(n, "string", describe("model", *item, n)) for n in ("hardware", "measured_on")),
        *(
            Column(f"{f}_per_query", "number", f"Derived: {f} / queries, for one query. " + describe("model", *item, f))
            for f in DISCLOSURE_FIGURES
        ),
        *(
            Column(
                f"{f}_per_1000_output_tokens",
                "number",
                f"Derived: {f} / output_tokens x 1,000; empty when the source does not "
                "state output tokens. " + describe("model", *item, f),
            )
            for f in DISCLOSURE_FIGURES
        ),
        Column("sources", "string", describe("model", *item, "sources") + SOURCES_NOTE + LIST_NOTE),
        Column("note", "string", describe("model", *item, "note")),
    ]
    rows = []
    for model_id, r in reports.items():
        for position, n in enumerate(r.inference, 1):
            d = n.disclosure
            rows.append(
                {
                    "model_id": model_id,
                    "position": position,
                    "query": d.query,
                    "kind": d.kind,
                    "output_tokens": d.output_tokens,
                    "queries": d.queries,
                    **{f: _figure_value(getattr(d, f)) for f in DISCLOSURE_FIGURES},
                    "accounting": d.accounting,
                    "scope": joined(d.scope),
                    "hardware": d.hardware,
                    "measured_on": d.measured_on,
                    **{f"{f}_per_query": n.per_query.get(f) for f in DISCLOSURE_FIGURES},
                    **{f"{f}_per_1000_output_tokens": n.per_1000_tokens.get(f) for f in DISCLOSURE_FIGURES},
                    "sources": joined(d.sources),
                    "note": d.note,
                }
            )
    return _table(
        "inference_disclosures",
        "Inference disclosures",
        "Published per-query inference figures with their scope and accounting, "
        "normalised per query and per 1,000 output tokens; compare only rows with the same scope and accounting.",
        columns,
        ["model_id", "position"],
        rows,
        [ForeignKey(("model_id",), "models", ("id",))],
    )


def lifecycle_table(registry: Registry, describe: Describer) -> Table:
    """Every life-cycle assessment: totals over a stated period and boundary."""
    item = ("lifecycle", "*")
    columns = [
        Column("model_id", "string", describe("model", "id")),
        Column("position", "integer", "Position of the assessment in the model's lifecycle list, from 1."),
        Column("period", "string", describe("model", *item, "period")),
        Column("boundary", "string", describe("model", *item, "boundary") + LIST_NOTE),
        *(Column(f, "number", describe("model", *item, f)) for f in LIFECYCLE_FIGURES),
        *(Column(n, "string", describe("model", *item, n)) for n in ("methodology", "assessed_by")),
        Column("sources", "string", describe("model", *item, "sources") + SOURCES_NOTE + LIST_NOTE),
        Column("note", "string", describe("model", *item, "note")),
    ]
    rows = (
        {
            "model_id": m.id,
            "position": position,
            "period": lc.period,
            "boundary": joined(lc.boundary),
            **{f: _figure_value(getattr(lc, f)) for f in LIFECYCLE_FIGURES},
            "methodology": lc.methodology,
            "assessed_by": lc.assessed_by,
            "sources": joined(lc.sources),
            "note": lc.note,
        }
        for m in registry.models.values()
        for position, lc in enumerate(m.lifecycle, 1)
    )
    return _table(
        "lifecycle_assessments",
        "Life-cycle assessments",
        "Life-cycle assessments of models: emissions, water and abiotic "
        "resource depletion over a stated period and boundary.",
        columns,
        ["model_id", "position"],
        rows,
        [ForeignKey(("model_id",), "models", ("id",))],
    )


SOURCE_FIELDS = tuple(Source.__dataclass_fields__)


def _record_sources(registry: Registry) -> Iterable[tuple[str, str, Source]]:
    for m in registry.models.values():
        yield from (("model", m.id, s) for s in m.all_sources().values())
    for kind, records in (
        ("hardware", registry.hardware),
        ("grid", registry.grids),
        ("organization", registry.organizations),
        ("claim", registry.claims),
    ):
        for r in records.values():
            yield from ((kind, r.id, s) for s in {s.id: s for s in r.sources}.values())
    yield from (("assumptions", "assumptions", s) for s in {s.id: s for s in registry.assumption_sources}.values())


def sources_table(registry: Registry, describe: Describer) -> Table:
    columns = [
        Column(
            "record_type",
            "string",
            "Kind of registry file that gives the source: model, hardware, grid, organization, claim or assumptions.",
        ),
        Column(
            "record_id",
            "string",
            "Id of that record (its file name without .yaml); 'assumptions' for registry/assumptions.yaml.",
        ),
        *(
            Column(
                f,
                "boolean" if f == "peer_reviewed" else "string",
                describe("common", "$defs/source", f) + (DATE_NOTE if f in ("published", "accessed") else ""),
            )
            for f in SOURCE_FIELDS
        ),
    ]
    rows = (
        {"record_type": kind, "record_id": rid, **{f: getattr(s, f) for f in SOURCE_FIELDS}}
        for kind, rid, s in _record_sources(registry)
    )
    return _table(
        "sources",
        "Sources",
        "Every public document the registry cites; ids are unique within one record.",
        columns,
        ["record_type", "record_id", "id"],
        rows,
    )


def assumptions_table(registry: Registry, describe: Describer) -> Table:
    item = ("assumptions", "*")
    columns = [
        Column("id", "string", describe("assumptions", "assumptions") + " This is the id."),
        *(
            Column(n, t, describe("assumptions", *item, n))
            for n, t in (
                ("description", "string"),
                ("unit", "string"),
                ("value", "number"),
                ("low", "number"),
                ("high", "number"),
            )
        ),
        Column("sources", "string", describe("assumptions", *item, "source") + LIST_NOTE),
        *(Column(n, "string", describe("assumptions", *item, n)) for n in ("rationale", "note")),
    ]
    rows = (
        {
            "id": a.id,
            "description": a.description,
            "unit": a.unit,
            "value": a.value,
            "low": a.low,
            "high": a.high,
            "sources": joined(a.sources),
            "rationale": a.rationale,
            "note": a.note,
        }
        for a in registry.assumptions.values()
    )
    return _table(
        "assumptions",
        "Assumptions",
        "Defaults the registry uses when a figure is unknown, with range and sources.",
        columns,
        ["id"],
        rows,
    )


METRIC_COLUMNS = (
    Column("model_id", "string", "Id of the model."),
    Column("metric", "string", "Name of the derived metric (a column group of models.csv)."),
    Column("value", "number", "Best figure: reported when a source gives it, else estimated."),
    Column(
        "low",
        "number",
        "Low end of the range: the published range, or for an estimate its likely range (90%), propagated in log "
        "space from its inputs' distributions.",
    ),
    Column("high", "number", "High end of the range."),
    Column("unit", "string", "Unit of value, low and high."),
    Column("method", "string", f"How the figure was obtained, and who stands behind it: {METHODS_TEXT}."),
    Column(
        "path",
        "string",
        "Estimation path (such as 6ND, hours x power, grid); for a figure read in a source: reported, "
        "source's estimate or third-party estimate.",
    ),
    Column(
        "confidence",
        "string",
        "For an estimate read in a source: the source's own confidence, in its words (such as Epoch AI's "
        "Confident, Likely, Speculative).",
    ),
    Column("formula", "string", "The formula in words."),
    Column("sources", "string", "Ids of the model's sources behind a reported figure." + LIST_NOTE),
    Column("note", "string", "Caveats about the figure."),
    Column("estimate_value", "number", "For a reported figure: the registry's independent estimate, to compare with."),
    Column("estimate_low", "number", "Low end of the independent estimate."),
    Column("estimate_high", "number", "High end of the independent estimate."),
    Column("estimate_path", "string", "Path of the independent estimate."),
    Column(
        "hull_low",
        "number",
        "For an estimate: the low extreme, every input at its own low or high at once (not a likely range).",
    ),
    Column("hull_high", "number", "For an estimate: the high extreme."),
    Column(
        "holdout_value",
        "number",
        "For a reported energy or emissions figure: the registry's estimate had the model published none of "
        "its energy, emissions, power, PUE, intensity or location (the calibration on the methodology page).",
    ),
    Column("holdout_low", "number", "Low end of the holdout's likely range (90%)."),
    Column("holdout_high", "number", "High end of the holdout's likely range (90%)."),
    Column(
        "scope",
        "string",
        "What the figure covers when it differs from the record's training.scope (such as with-base-model).",
    ),
)
INPUT_COLUMNS = (
    Column("model_id", "string", "Id of the model."),
    Column("metric", "string", "The derived metric this is an input of."),
    Column("position", "integer", "Position of the input in the formula, from 1."),
    Column("name", "string", "Name of the input."),
    Column("value", "number", "Value used."),
    Column("low", "number", "Low end used for the range."),
    Column("high", "number", "High end used for the range."),
    Column("unit", "string", "Unit of the input."),
    Column(
        "origin",
        "string",
        "Where the input comes from: a figure of a record by its provenance (reported, reported-estimate, "
        "third-party-estimate), assumption, the method of an intermediate derived metric, or the kind of an "
        "inference disclosure (measured, estimated, vendor-statement).",
    ),
    Column(
        "ref",
        "string",
        "The record it comes from: 'entry' (the model file), an assumption id, a hardware or grid id, an estimation "
        "path, "
        "or the query of an inference disclosure.",
    ),
    Column("sources", "string", "Source ids behind the input." + LIST_NOTE),
    Column("note", "string", "Note on the input (for assumptions, what the default stands for)."),
    Column(
        "rule",
        "string",
        "The rule that chose this input (such as the organization's operator for a PUE): see the methodology page.",
    ),
)


def _all_metrics(reports: Mapping[str, ModelReport]) -> Iterable[tuple[str, Metric]]:
    for model_id, r in reports.items():
        yield from ((model_id, m) for m in r.metrics.values())


METRIC_CELLS = (
    "model_id",
    "metric",
    "value",
    "low",
    "high",
    "unit",
    "method",
    "path",
    "confidence",
    "formula",
    "sources",
    "note",
    "estimate_value",
    "estimate_low",
    "estimate_high",
    "estimate_path",
    "hull_low",
    "hull_high",
    "holdout_value",
    "holdout_low",
    "holdout_high",
    "scope",
)
INPUT_CELLS = (
    "model_id",
    "metric",
    "position",
    "name",
    "value",
    "low",
    "high",
    "unit",
    "origin",
    "ref",
    "sources",
    "note",
    "rule",
)


def _metric_row(model_id: str, m: Metric) -> tuple[Any, ...]:
    e, h = m.estimate, m.holdout
    hull = (exact(m.hull[0]), exact(m.hull[1])) if m.method == "estimated" else (None, None)
    return (
        model_id,
        m.name,
        exact(m.value),
        exact(m.low),
        exact(m.high),
        m.unit,
        m.method,
        m.path,
        m.confidence,
        m.formula,
        joined(m.sources),
        m.note,
        *((exact(e.value), exact(e.low), exact(e.high), e.path) if e is not None else (None, None, None, None)),
        *hull,
        *((exact(h.value), exact(h.low), exact(h.high)) if h is not None else (None, None, None)),
        m.scope,
    )


def metric_tables(reports: Mapping[str, ModelReport]) -> list[Table]:
    rows = (_metric_row(mid, m) for mid, m in _all_metrics(reports))
    metrics = Table(
        "derived_metrics",
        "Derived metrics",
        "Every derived figure of every model, with range, method, formula and sources.",
        METRIC_COLUMNS,
        ("model_id", "metric"),
        _in_order(METRIC_COLUMNS, METRIC_CELLS, rows, ["model_id", "metric"]),
        (ForeignKey(("model_id",), "models", ("id",)),),
    )
    inputs = (
        (
            mid,
            m.name,
            n,
            i.name,
            exact(i.value),
            exact(i.low),
            exact(i.high),
            i.unit,
            i.origin,
            i.ref,
            joined(i.sources),
            i.note,
            i.rule,
        )
        for mid, m in _all_metrics(reports)
        for n, i in enumerate(m.inputs, 1)
    )
    key = ("model_id", "metric", "position")
    metric_inputs = Table(
        "metric_inputs",
        "Metric inputs",
        "The inputs of every estimated figure, so each can be recomputed.",
        INPUT_COLUMNS,
        key,
        _in_order(INPUT_COLUMNS, INPUT_CELLS, inputs, key),
        (ForeignKey(("model_id", "metric"), "derived_metrics", ("model_id", "metric")),),
    )
    return [metrics, metric_inputs]


START_HERE_METRICS = (
    ("compute_flop", "training_compute_flop", "Training compute, in FLOP"),
    ("energy_mwh", "energy_mwh", "Training energy with data-centre overhead (PUE), in MWh"),
    ("emissions_tco2e", "emissions_tco2e", "Training emissions, location-based (grid average), in tCO2e"),
)


def complete_date(value: str | None) -> str | None:
    """A YYYY-MM-DD date as it is; a partial one (YYYY or YYYY-MM) is no date: None."""
    return value if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-" else None


def start_here_columns() -> list[Column]:
    """The start-here table's columns: one row per model, the best figure for each headline metric with method and
    range."""
    cols = [
        Column("id", "string", "The model's id (its page is models/<id>/ on the site; models.csv has every field)."),
        Column("name", "string", "The model's name."),
        Column("organizations", "string", "Who developed it (organization ids)." + LIST_NOTE),
        Column("released", "string", "Release date as published." + DATE_NOTE),
        Column(
            "released_date",
            "date",
            "Release date when the day is known (YYYY-MM-DD); empty when only the year or month is.",
        ),
        Column("parameters", "number", "Parameter count (total; for mixture-of-experts models, all experts)."),
        Column(
            "training_scope",
            "string",
            "What the training figures cover: final-run, fine-tune-only, with-base-model, "
            "with-experiments; empty when the source does not say.",
        ),
    ]
    for _, column, label in START_HERE_METRICS:
        cols += [
            Column(
                column,
                "number",
                f"{label}: the best figure: published by a source when one is, else the registry's "
                "estimate (see the _method column).",
            ),
            Column(f"{column}_low", "number", f"Low end of the range of {column}."),
            Column(f"{column}_high", "number", f"High end of the range of {column}."),
            Column(
                f"{column}_method",
                "string",
                f"reported (a source published {column}) or estimated (the registry computed "
                "it; derived_metrics.csv gives the formula, metric_inputs.csv every input).",
            ),
        ]
    cols += [
        Column("openness_score", "number", "Openness score from 0 to 100 (see the methodology)."),
        Column(
            "weights",
            "string",
            "Whether the weights can be had: open, gated, restricted, api-only, hosted-only, unreleased.",
        ),
    ]
    return cols


def start_here_table(reports: Mapping[str, ModelReport]) -> Table:
    """One row per model with the best figure for each headline metric, its range and method: the table to open
    first."""
    rows = []
    for r in reports.values():
        m = r.model
        row: Row = {
            "id": m.id,
            "name": m.name,
            "organizations": joined(m.organizations),
            "released": m.released,
            "released_date": complete_date(m.released),
            "parameters": m.parameters.value if m.parameters else None,
            "training_scope": m.training.scope,
            "openness_score": exact(r.openness.score),
            "weights": r.access.weights,
        }
        for name, column, _ in START_HERE_METRICS:
            metric = r.training.metrics.get(name)
            row.update(
                {
                    column: exact(metric.value) if metric else None,
                    f"{column}_low": exact(metric.low) if metric else None,
                    f"{column}_high": exact(metric.high) if metric else None,
                    f"{column}_method": metric.method if metric else None,
                }
            )
        rows.append(row)
    return _table(
        "start_here",
        "Start here",
        "One row per model: the best figure for training compute, energy and emissions, each with "
        "its range and whether it was published or estimated. models.csv has every field.",
        start_here_columns(),
        ["id"],
        rows,
        [ForeignKey(("id",), "models", ("id",))],
    )


def tables(registry: Registry, reports: Mapping[str, ModelReport], schemas: Schemas | None = None) -> list[Table]:
    """Every table, in an order where each table comes after the tables its foreign keys point at."""
    describe = Describer(schemas or Schemas(registry.schema_folder))
    return [
        organizations_table(registry, describe),
        hardware_table(registry, describe),
        *grids_tables(registry, describe),
        models_table(reports, describe),
        start_here_table(reports),
        model_organizations_table(registry, describe),
        *metric_tables(reports),
        inference_table(reports, describe),
        lifecycle_table(registry, describe),
        *claims_tables(registry, describe),
        sources_table(registry, describe),
        assumptions_table(registry, describe),
    ]


def _boolean(value: Any) -> str:
    return "" if value is None else "true" if value else "false"


def _integer(value: Any) -> str:
    return "" if value is None else str(int(value))


# Cells of these types are converted first; the csv module writes None as an empty cell (unknown, never 0) and str() of
# anything else, which for a float is its shortest round-trip form.
CELLS = {"boolean": _boolean, "integer": _integer}


def csv_bytes(table: Table) -> bytes:
    """The table as RFC 4180 CSV in UTF-8 (CRLF line ends, a header row): empty when unknown, true/false, integers
    without a decimal point, floats in shortest round-trip form, a text quoted when it holds a comma, a quote or a
    line break, and a text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) led by a single quote
    (builder/spreadsheet.py)."""
    changing = [
        (i, convert) for i, convert in enumerate(CELLS.get(c.type) for c in table.columns) if convert is not None
    ]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows(_cells(row, changing) for row in table.rows)
    return out.getvalue().encode("utf-8")


def _cells(row: tuple[Any, ...], changing: Sequence[tuple[int, Callable[[Any], str]]]) -> list[Any]:
    """A row as the CSV writes it: typed cells converted, a formula-like text neutralised (OWASP: shown, never run)."""
    cells = [neutral(v) if isinstance(v, str) else v for v in row]
    for i, convert in changing:
        cells[i] = convert(row[i])
    return cells


def table_schema(table: Table) -> dict[str, Any]:
    """The Frictionless Table Schema (v2) of a table: typed fields with descriptions, primary and foreign keys."""
    schema: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": [{"name": c.name, "type": c.type, "description": c.description} for c in table.columns],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.resource, "fields": list(fk.reference)}}
            for fk in table.foreign_keys
        ]
    return schema
