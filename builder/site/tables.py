"""The registry as rows and totals: the models index (HTML and compact JSON) and the home page's headline figures."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from builder.derive.derived import ModelReport
from builder.derive.metrics import Metric
from builder.formatting import PARAMETERS
from builder.records.registry import Registry
from builder.site.views import Quantity, printed, quantity, year_of

PEAK_PRECISIONS = (
    "bf16",
    "fp16",
    "fp8",
    "tf32",
    "fp32",
)  # the precision whose peak the hardware index shows, first found

COLUMNS = (
    "id",
    "name",
    "aliases",
    "organization",
    "year",
    "domain",
    "parameters",
    "compute",
    "compute_est",
    "energy",
    "energy_est",
    "emissions",
    "emissions_low",
    "emissions_high",
    "emissions_est",
    "openness",
    "weights",
    "licence",
    "hardware_class",
    "reported_emissions",
    "released",
    "compute_low",
    "compute_high",
    "energy_low",
    "energy_high",
    "openness_only",
)
# Filters shown as a <select> of the values present; the organization (several, with type-ahead), the years (a range)
# and "published figures only" (a checkbox) are filters of their own on the index.
SELECTS = (
    ("domain", "Domain"),
    ("weights", "Weights"),
    ("licence", "Licence"),
    ("hardware_class", "Runs on (16-bit)"),
    ("reported_emissions", "Emissions"),
)
FILTERS = (
    ("organization", "Organization"),
    ("year", "Year"),
    ("domain", "Domain"),
    ("weights", "Weights"),
    ("licence", "Licence"),
    ("hardware_class", "Runs on (16-bit)"),
    ("reported_emissions", "Emissions"),
)


@dataclass(frozen=True)
class IndexRow:
    """One model in the index table, printed and raw (raw values sort and filter in the browser)."""

    id: str
    name: str
    aliases: str
    organization: str
    year: int | None
    domain: str
    parameters: Quantity
    compute: Quantity
    energy: Quantity
    emissions: Quantity
    openness: Quantity
    weights: str
    licence: str
    hardware_class: str
    reported_emissions: str
    raw: tuple[Any, ...]
    released: str = ""
    openness_only: bool = False


def _metric(m: Metric | None) -> Quantity:
    """A metric as an index cell."""
    return quantity(None) if m is None else quantity(m.value, m.low, m.high, m.unit, m.method != "reported")


def _ends(m: Metric | None) -> tuple[float | None, float | None]:
    """A metric's range ends (4 significant digits) for the JSON rows."""
    return (None, None) if m is None else (float(f"{m.low:.4g}"), float(f"{m.high:.4g}"))


def _raw(m: Metric | None) -> tuple[float | None, int]:
    """A metric's value (4 significant digits) and whether it is estimated, for the JSON rows."""
    return (None, 0) if m is None else (float(f"{m.value:.4g}"), int(m.method != "reported"))


def index_rows(reports: Mapping[str, ModelReport], registry: Registry) -> list[IndexRow]:
    """Every model, sorted by name, with the columns and filter values of the index."""
    rows = []
    for r in reports.values():
        m = r.model
        orgs = (
            ", ".join(registry.organizations[o].name if o in registry.organizations else o for o in m.organizations)
            or "unknown"
        )
        t = r.training.metrics
        em, comp, en = t.get("emissions_tco2e"), t.get("compute_flop"), t.get("energy_mwh")
        licence = m.openness.get("weights_license")
        weights = r.access.weights or "unknown"
        hw_class = next((need.fits for need in r.access.memory if need.bits == 16), "unknown")
        reported = "reported" if em is not None and em.developer else ("estimated" if em is not None else "unknown")
        year = year_of(m.released)
        params = float(f"{m.parameters.value:.4g}") if m.parameters else None
        raw = (
            m.id,
            m.name,
            "; ".join(m.aliases),
            orgs,
            year,
            ", ".join(m.domains),
            params,
            *_raw(comp),
            *_raw(en),
            *(_raw(em)[:1]),
            float(f"{em.low:.4g}") if em else None,
            float(f"{em.high:.4g}") if em else None,
            _raw(em)[1],
            None if r.openness.score is None else round(r.openness.score),
            weights,
            licence.value if licence else "unknown",
            hw_class,
            reported,
            m.released or "",
            *_ends(comp),
            *_ends(en),
            int(r.openness_only),
        )
        rows.append(
            IndexRow(
                m.id,
                m.name,
                "; ".join(m.aliases),
                orgs,
                year,
                ", ".join(m.domains) or "unknown",
                quantity(m.parameters.value if m.parameters else None, unit=PARAMETERS),
                _metric(comp),
                _metric(en),
                _metric(em),
                quantity(r.openness.score, unit="/ 100"),
                weights,
                licence.value if licence else "unknown",
                hw_class,
                reported,
                raw,
                m.released or "",
                r.openness_only,
            )
        )
    return sorted(rows, key=lambda row: row.name.lower())


DEFAULT_SORT = "-compute"  # the index's default order, as its script names it: most training compute first


def default_order(rows: Sequence[IndexRow]) -> list[IndexRow]:
    """The index's default order: most training compute first (the models readers look up, with figures), unknown
    last, by name within equal values (the order rows.json is written in, so the rows the page carries and those its
    script adds follow on)."""
    known = sorted((r for r in rows if r.raw[7] is not None), key=lambda r: -r.raw[7])  # stable: by name within a value
    return [*known, *(r for r in rows if r.raw[7] is None)]


def by_letter(rows: Sequence[IndexRow]) -> list[tuple[str, list[IndexRow]]]:
    """Rows grouped by the first letter of the name (digits and symbols under '#'), for the plain list."""
    groups: dict[str, list[IndexRow]] = {}
    for row in rows:
        first = row.name[:1].upper()
        groups.setdefault(first if first.isalpha() else "#", []).append(row)
    return sorted(groups.items(), key=lambda item: (item[0] != "#", item[0]))


def rows_json(rows: Sequence[IndexRow]) -> str:
    """The index as compact JSON: one column list and one array per model, in the default order, no whitespace."""
    return json.dumps(
        {"columns": COLUMNS, "rows": [row.raw for row in default_order(rows)]},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def organizations(rows: Sequence[IndexRow]) -> list[str]:
    """Every organization named in the index, for the organization filter's type-ahead."""
    return sorted({o.strip() for row in rows for o in row.organization.split(",")} - {"unknown"}, key=str.lower)


def years(rows: Sequence[IndexRow]) -> tuple[int, int] | None:
    """The first and last release year in the index, the bounds of the year range."""
    found = [row.year for row in rows if row.year is not None]
    return (min(found), max(found)) if found else None


def filter_options(
    rows: Sequence[IndexRow], filters: Sequence[tuple[str, str]] = FILTERS
) -> list[tuple[str, str, list[str]]]:
    """Each filter with the values present, for the <select>s of the index."""
    out = []
    for key, label in filters:
        values: set[str] = set()
        for row in rows:
            value = getattr(row, key)
            if key in ("organization", "domain"):
                values.update(v.strip() for v in str(value).split(","))
            else:
                values.add("unknown" if value is None else str(value))
        out.append((key, label, sorted(values, key=lambda v: (v == "unknown", v.lower()))))
    return out


@dataclass(frozen=True)
class Headline:
    """The home page's headline figures."""

    models: int
    disclosed: int
    disclosed_share: str
    reported_total: str
    reported_count: int
    estimated_count: int


def headline(reports: Mapping[str, ModelReport]) -> Headline:
    """Models, the share with disclosed emissions, and the total of reported training emissions (estimates not added
    in)."""
    reported = [
        r.training.metrics["emissions_tco2e"]
        for r in reports.values()
        if "emissions_tco2e" in r.training.metrics and r.training.metrics["emissions_tco2e"].developer
    ]
    estimated = sum(1 for r in reports.values() if "emissions_tco2e" in r.training.metrics) - len(reported)
    disclosed = sum(
        1 for r in reports.values() if any(key == "emissions" and done for key, _, done in r.transparency.items)
    )
    share = f"{disclosed / len(reports):.0%}" if reports else "unknown"
    return Headline(
        len(reports),
        disclosed,
        share,
        printed(quantity(sum(m.value for m in reported), unit="tCO2e")) if reported else "unknown",
        len(reported),
        estimated,
    )


def newest(reports: Mapping[str, ModelReport], count: int = 6) -> list[tuple[str, str, str]]:
    """The most recently released models: (id, name, release date)."""
    dated = [r.model for r in reports.values() if r.model.released]
    dated.sort(key=lambda m: (m.released or "", m.id), reverse=True)
    return [(m.id, m.name, m.released or "") for m in dated[:count]]


def headline_models(rows: Sequence[IndexRow], count: int = 6) -> list[IndexRow]:
    """The models with the most training compute that have an emissions figure, for the home page's quick answers."""
    return [r for r in default_order(rows) if r.emissions.value != "unknown"][:count]


@dataclass(frozen=True)
class OrganizationTable:
    """An organization's models as index rows, with how many published their training emissions and their total."""

    rows: list[IndexRow]
    disclosed: int
    share: str
    reported_total: Quantity
    estimated: int


def organization_table(model_ids: Sequence[str], by_id: Mapping[str, IndexRow]) -> OrganizationTable:
    """The rows of an organization's models, newest first, and the totals its page prints (estimates never added in)."""
    rows = sorted((by_id[i] for i in model_ids if i in by_id), key=lambda r: (r.released or "", r.name), reverse=True)
    reported = [r.raw[11] for r in rows if r.reported_emissions == "reported" and r.raw[11] is not None]
    estimated = sum(1 for r in rows if r.reported_emissions == "estimated")
    share = f"{len(reported) / len(rows):.0%}" if rows else "unknown"
    return OrganizationTable(
        rows, len(reported), share, quantity(sum(reported), unit="tCO2e") if reported else quantity(None), estimated
    )


KeyRow = tuple[str, str, tuple[str, ...]]  # href, name, the other cells


def key_figures(folder: str, registry: Registry) -> tuple[tuple[str, ...], list[KeyRow]] | None:
    """The hardware and grid indexes' tables: each record's key figures (TDP and peak FLOP/s; latest carbon intensity
    and its year), as (head, [(href, name, cells)])."""
    rows: list[KeyRow] = []
    if folder == "hardware":
        for h in sorted(registry.hardware.values(), key=lambda h: h.name.lower()):
            precision = next((p for p in PEAK_PRECISIONS if p in h.peak_flops), None)
            peak = (
                printed(quantity(h.peak_flops[precision].value, unit="FLOP/s")) + f" ({precision})"
                if precision
                else "unknown"
            )
            tdp = printed(quantity(h.tdp_w.value, unit="W")) if h.tdp_w else "unknown"
            rows.append(
                (
                    f"{h.id}/",
                    h.name,
                    (h.vendor or "unknown", tdp, peak, str(len(registry.referring.get(("hardware", h.id), ())))),
                )
            )
        return ("Accelerator", "Vendor", "Thermal design power", "Peak dense throughput", "Models"), rows
    if folder == "grids":
        for g in sorted(registry.grids.values(), key=lambda g: g.name.lower()):
            latest = max(g.intensity, key=lambda i: i.year, default=None)
            value = printed(quantity(latest.g_per_kwh, latest.low, latest.high, "gCO2e/kWh")) if latest else "unknown"
            rows.append(
                (
                    f"{g.id}/",
                    g.name,
                    (
                        g.country or "unknown",
                        value,
                        str(latest.year) if latest else "unknown",
                        str(len(registry.referring.get(("grids", g.id), ()))),
                    ),
                )
            )
        return ("Grid", "Country", "Carbon intensity (latest)", "Year", "Models"), rows
    return None
