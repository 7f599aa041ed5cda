"""Per-country grid intensity (CodeCarbon's packaging of Our World in Data) and cloud-region tables onto grids."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from builder.importers import Context, Planned, sources, upstream
from builder.importers.common import Record, country, figure, number, read_csv_or_skip, slugify, text

# Namespaced ids (sources.IMPORTED): hand-written grids cite their own `owid`, `green-algorithms`, ... entries, which a
# re-import keeps.
OWNED = frozenset(
    sources.IMPORTED + name
    for name in ("owid-carbon-intensity", "google-cloud-region-carbon", "ml-co2-impact-data", "green-algorithms")
)
GA_KIND = {"country": "country", "region": "zone", "world": "world"}
# CodeCarbon's impact.csv carries no year; its figures equal Google's 2023 yearly region data (asia-east1: 451 g/kWh).
GCP_YEAR = 2023
GCP_YEAR_NOTE = "year not in CodeCarbon's table; its figures match Google's 2023 region data"
MLCO2_YEAR = 2019
PROVIDERS = {"gcp": "Google Cloud", "aws": "Amazon Web Services", "azure": "Microsoft Azure"}


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """Grids from each file, recognised by its shape: the energy-mix JSON, Google's region table or the ML CO2 Impact
    table."""
    for path in files:
        if path.suffix.lower() == ".json":
            yield from _countries(path, ctx)
            continue
        found = read_csv_or_skip(path, ctx.report)
        if found is None:
            continue
        header, rows = found
        if set(header) >= {"provider", "region", "impact"}:
            yield from _regions(path, header, rows, ctx)
        elif set(header) >= {"location", "carbonIntensity", "Type"}:
            yield from _green_algorithms(path, rows, ctx)
        else:
            ctx.report.add(
                "skipped",
                str(path),
                "not the energy-mix JSON, a cloud-region table (provider, region, impact) "
                "or Green Algorithms' CI_aggregated.csv",
            )


def _countries(path: Path, ctx: Context) -> Iterator[Planned]:
    try:
        table: Any = upstream.json_data(path)
    except upstream.Unreadable as exc:
        ctx.report.add("skipped", str(path), str(exc))
        return
    if not isinstance(table, dict):
        ctx.report.add("skipped", str(path), "expected a JSON object keyed by ISO alpha-3 codes")
        return
    for done, (alpha3, entry) in enumerate(sorted(table.items()), 1):
        ctx.tick(done, len(table), f"owid-grid {path.name}")
        label = f"{path.name}, key {alpha3}"
        alpha2 = country(alpha3)
        intensity = number(entry.get("carbon_intensity")) if isinstance(entry, dict) else None
        year = entry.get("year") if isinstance(entry, dict) else None
        if alpha2 is None:
            ctx.report.add("skipped", label, f"'{alpha3}' is not an ISO 3166 alpha-3 code")
            continue
        if intensity is None or intensity > 2000 or not isinstance(year, int):
            ctx.report.add("skipped", label, "no usable carbon_intensity (gCO2e/kWh) and year")
            continue
        grid_id = alpha2.lower()
        name = text(entry.get("country_name"), 200) or alpha2
        source = sources.owid(f"CodeCarbon global_energy_mix.json (codecarbon/data/private_infra), key {alpha3}")
        grid: Record = {
            "id": grid_id,
            "name": name,
            "kind": "country",
            "country": alpha2,
            "intensity": [{"year": year, "g_per_kwh": intensity, "basis": "location", "source": source["id"]}],
            "sources": [source],
        }
        yield ctx.plan(Planned("grid", grid_id, grid, label))


def _year(*cells: str) -> tuple[int, str | None]:
    joined = " ".join(cells)
    span = re.search(r"oct(\d{2})-oct(\d{2})", joined)
    if span:
        return 2000 + int(span.group(2)), None
    stated = re.search(r"data from (\d{4})|\b(\d{4})(?:/\d{2})? data\b", joined, re.IGNORECASE)
    if stated:
        return int(stated.group(1) or stated.group(2)), None
    found = re.findall(r"(?<!\d)(199\d|20[0-4]\d)(?!\d)", joined)
    if found:
        return int(found[0]), None
    return MLCO2_YEAR, "year not stated by the source; ML CO2 Impact compiled the table in 2019"


def _regions(path: Path, header: list[str], rows: list[tuple[int, dict[str, str]]], ctx: Context) -> Iterator[Planned]:
    google = "countryIsoCode" in header
    for done, (line, row) in enumerate(rows, 1):
        ctx.tick(done, len(rows), f"owid-grid {path.name}")
        provider, region = row.get("provider", "").strip().lower(), row.get("region", "").strip()
        label = f"{path.name}, line {line}, {provider} {region}"
        grid_id = slugify(f"{provider}-{region}")
        intensity = number(row.get("impact"))
        if not provider or not region or intensity is None or intensity > 2000:
            ctx.report.add("skipped", label, "no provider, region or usable impact (gCO2e/kWh)")
            continue
        source = (sources.gcp if google else sources.mlco2)(
            f"{'CodeCarbon codecarbon/data/cloud/impact.csv' if google else 'data/impact.csv'}, row {provider} {region}"
        )
        entry: Record = {"year": GCP_YEAR, "g_per_kwh": intensity, "basis": "location", "source": source["id"]}
        note = GCP_YEAR_NOTE if google else None
        if not google:
            entry["year"], note = _year(row.get("source", ""), row.get("comment", ""))
            detail = "; ".join(
                filter(
                    None,
                    [
                        note,
                        text(row.get("source"), 300) and f"source: {text(row.get('source'), 300)}",
                        text(row.get("comment"), 300),
                    ],
                )
            )
            note = detail or None
        if note:
            entry["note"] = note
        place = ", ".join(filter(None, [row.get("city", "").strip(), row.get("state", "").strip()]))
        provider_name = PROVIDERS.get(provider) or text(row.get("providerName"), 200) or provider
        grid: Record = {
            "id": grid_id,
            "name": f"{provider_name} {region}" + (f" ({place})" if place else ""),
            "kind": "cloud-region",
        }
        land = country(row.get("countryIsoCode") if google else row.get("country"))
        if land:
            grid["country"] = land
        grid["provider"] = provider_name
        grid["intensity"] = [entry]
        pue = number(row.get("PUE"))
        if pue is not None and 1 <= pue <= 5:
            grid["pue"] = figure(
                pue, source["id"], text(f"{row.get('comment', '')} PUE; source: {row.get('PUE source', '')}", 300)
            )
        grid["sources"] = [source]
        yield ctx.plan(Planned("grid", grid_id, grid, label))


def _green_algorithms(path: Path, rows: list[tuple[int, dict[str, str]]], ctx: Context) -> Iterator[Planned]:
    """Green Algorithms' intensities for the world, countries and sub-national regions (ids: world, fr, us-ca)."""
    for done, (line, row) in enumerate(rows, 1):
        ctx.tick(done, len(rows), f"owid-grid {path.name}")
        location = row.get("location", "").strip()
        kind = GA_KIND.get(row.get("Type", "").strip().lower())
        intensity = number(row.get("carbonIntensity"))
        label = f"Green Algorithms {path.name}, line {line}, {location}"
        land = country(location[:2]) if kind != "world" else None
        if not location or kind is None or intensity is None or intensity > 2000 or (kind != "world" and land is None):
            ctx.report.add("skipped", label, "no known location, type or usable carbonIntensity (gCO2e/kWh)")
            continue
        year, unstated = _year(row.get("comments", ""), row.get("source", ""))
        source = sources.green_algorithms(f"data/latest/CI_aggregated.csv, location {location}")
        note = "; ".join(
            filter(
                None,
                [
                    unstated and "year not stated by the source",
                    text(f"upstream source: {row.get('source', '')}", 400),
                    text(row.get("comments"), 300),
                ],
            )
        )
        entry: Record = {"year": year, "g_per_kwh": intensity, "basis": "location", "source": source["id"]}
        if note:
            entry["note"] = note
        region = row.get("regionName", "").strip()
        name = (
            "World"
            if kind == "world"
            else (
                f"{region}, {row.get('countryName', '').strip()}"
                if kind == "zone"
                else row.get("countryName", "").strip()
            )
        )
        grid: Record = {"id": slugify(location), "name": name or location, "kind": kind}
        if land:
            grid["country"] = land
        grid["intensity"] = [entry]
        grid["sources"] = [source]
        yield ctx.plan(Planned("grid", grid["id"], grid, label))
