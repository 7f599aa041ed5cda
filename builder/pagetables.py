"""The registry as rows and totals: the models index (HTML and compact JSON) and the home page's headline figures."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from builder.derived import ModelReport
from builder.metrics import Metric
from builder.pageviews import Quantity, printed, quantity, year_of
from builder.registry import Registry

COLUMNS = ("id", "name", "aliases", "organization", "year", "domain", "parameters", "compute", "compute_est", "energy", "energy_est",
           "emissions", "emissions_low", "emissions_high", "emissions_est", "openness", "weights", "licence", "hardware_class",
           "reported_emissions", "openness_only")
FILTERS = (("organization", "Organization"), ("year", "Year"), ("domain", "Domain"), ("weights", "Weights"), ("licence", "Licence"),
           ("hardware_class", "Runs on (16-bit)"), ("reported_emissions", "Emissions"))


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
    openness_only: bool = False


def _metric(m: Metric | None) -> Quantity:
    """A metric as an index cell."""
    return quantity(None) if m is None else quantity(m.value, m.low, m.high, "", m.method != "reported")


def _raw(m: Metric | None) -> tuple[float | None, int]:
    """A metric's value (4 significant digits) and whether it is estimated, for the JSON rows."""
    return (None, 0) if m is None else (float(f"{m.value:.4g}"), int(m.method != "reported"))


def index_rows(reports: Mapping[str, ModelReport], registry: Registry) -> list[IndexRow]:
    """Every model, sorted by name, with the columns and filter values of the index."""
    rows = []
    for r in reports.values():
        m = r.model
        orgs = ", ".join(registry.organizations[o].name if o in registry.organizations else o for o in m.organizations) or "unknown"
        t = r.training.metrics
        em, comp, en = t.get("emissions_tco2e"), t.get("compute_flop"), t.get("energy_mwh")
        licence = m.openness.get("weights_license")
        weights = r.access.weights or "unknown"
        hw_class = next((need.fits for need in r.access.memory if need.bits == 16), "unknown")
        reported = "reported" if em is not None and em.developer else ("estimated" if em is not None else "unknown")
        year = year_of(m.released)
        params = float(f"{m.parameters.value:.4g}") if m.parameters else None
        raw = (m.id, m.name, "; ".join(m.aliases), orgs, year, ", ".join(m.domains), params, *_raw(comp), *_raw(en),
               *(_raw(em)[:1]), float(f"{em.low:.4g}") if em else None, float(f"{em.high:.4g}") if em else None, _raw(em)[1],
               None if r.openness.score is None else round(r.openness.score), weights, licence.value if licence else "unknown",
               hw_class, reported, int(r.openness_only))
        rows.append(IndexRow(m.id, m.name, "; ".join(m.aliases), orgs, year, ", ".join(m.domains) or "unknown",
                             quantity(m.parameters.value if m.parameters else None), _metric(comp), _metric(en), _metric(em),
                             quantity(r.openness.score), weights, licence.value if licence else "unknown", hw_class, reported, raw,
                             r.openness_only))
    return sorted(rows, key=lambda row: row.name.lower())


def by_letter(rows: Sequence[IndexRow]) -> list[tuple[str, list[IndexRow]]]:
    """Rows grouped by the first letter of the name (digits and symbols under '#'), for the plain list."""
    groups: dict[str, list[IndexRow]] = {}
    for row in rows:
        first = row.name[:1].upper()
        groups.setdefault(first if first.isalpha() else "#", []).append(row)
    return sorted(groups.items(), key=lambda item: (item[0] != "#", item[0]))


def rows_json(rows: Sequence[IndexRow]) -> str:
    """The index as compact JSON: one column list and one array per model, no whitespace."""
    return json.dumps({"columns": COLUMNS, "rows": [row.raw for row in rows]}, separators=(",", ":"), ensure_ascii=False)


def filter_options(rows: Sequence[IndexRow]) -> list[tuple[str, str, list[str]]]:
    """Each filter with the values present, for the <select>s of the index."""
    out = []
    for key, label in FILTERS:
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
    """Models, the share with disclosed emissions, and the total of reported training emissions (estimates not added in)."""
    reported = [r.training.metrics["emissions_tco2e"] for r in reports.values()
                if "emissions_tco2e" in r.training.metrics and r.training.metrics["emissions_tco2e"].developer]
    estimated = sum(1 for r in reports.values() if "emissions_tco2e" in r.training.metrics) - len(reported)
    disclosed = sum(1 for r in reports.values() if any(key == "emissions" and done for key, _, done in r.transparency.items))
    share = f"{disclosed / len(reports):.0%}" if reports else "unknown"
    return Headline(len(reports), disclosed, share, printed(quantity(sum(m.value for m in reported), unit="tCO2e")) if reported else "unknown",
                    len(reported), estimated)


def newest(reports: Mapping[str, ModelReport], count: int = 6) -> list[tuple[str, str, str]]:
    """The most recently released models: (id, name, release date)."""
    dated = [r.model for r in reports.values() if r.model.released]
    dated.sort(key=lambda m: (m.released or "", m.id), reverse=True)
    return [(m.id, m.name, m.released or "") for m in dated[:count]]
