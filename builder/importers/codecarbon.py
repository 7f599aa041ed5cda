"""A CodeCarbon emissions.csv (kg CO2e, kWh, W, pue) onto one model's training section, summing the runs given."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from builder.importers import Context, Planned
from builder.importers.common import Record, country, figure, number, read_csv_or_skip, slugify, text, tidy

OWNED = frozenset({"codecarbon-log"})
REQUIRED = {"duration", "emissions", "energy_consumed"}


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """Sum every run in the files into one training section: CodeCarbon's energy_consumed already includes its pue
    factor."""
    runs: list[tuple[str, int, dict[str, str]]] = []
    for path in files:
        found = read_csv_or_skip(path, ctx.report)
        if found is None:
            continue
        header, rows = found
        if not set(header) >= REQUIRED:
            ctx.report.add(
                "skipped", str(path), f"not a CodeCarbon emissions.csv (needs columns {', '.join(sorted(REQUIRED))})"
            )
            continue
        runs += [(path.name, line, row) for line, row in rows]
    if not runs:
        return
    projects = sorted({row.get("project_name", "") for _, _, row in runs} - {""})
    wanted = ctx.options.get("model") or (projects[0] if len(projects) == 1 else None)
    model_id = ctx.find("model", wanted, slugify(wanted or "")) if wanted else None
    label = f"CodeCarbon {', '.join(sorted({f for f, _, _ in runs}))} ({len(runs)} runs)"
    if model_id is None:
        ctx.report.add(
            "skipped",
            label,
            f"no model '{wanted}' in the registry: name it with --model"
            if wanted
            else "the runs name several or no projects: name the model with --model",
        )
        return
    url = ctx.options.get("url")
    if not url or not url.startswith("https://"):
        ctx.report.add(
            "skipped",
            label,
            "every figure needs a public source: give the https address of the emissions.csv with --url",
        )
        return
    yield from _training(model_id, runs, url, label, ctx)


def _total(runs: list[tuple[str, int, dict[str, str]]], column: str) -> float | None:
    values = [number(row.get(column)) for _, _, row in runs]
    known = [float(v) for v in values if v is not None]
    return sum(known) if known else None


def _training(
    model_id: str, runs: list[tuple[str, int, dict[str, str]]], url: str, label: str, ctx: Context
) -> Iterator[Planned]:
    sid = "codecarbon-log"
    pues = {number(row.get("pue")) for _, _, row in runs if row.get("pue")}
    pue = next(iter(pues)) if len(pues) == 1 else None
    energy_kwh = _total(runs, "energy_consumed")
    emissions_kg = _total(runs, "emissions")
    seconds = _total(runs, "duration")
    count = f"sum of {len(runs)} CodeCarbon runs" if len(runs) > 1 else "one CodeCarbon run"
    training: Record = {}
    if seconds:
        training["duration_hours"] = figure(tidy(seconds / 3600), sid, f"{count} (duration in seconds / 3600)")
    if pue is not None and pue > 1:
        training["pue"] = figure(pue, sid, "the pue CodeCarbon multiplied into energy_consumed")
    gpus = {number(row.get("gpu_count")) for _, _, row in runs} - {None}
    if len(gpus) == 1:
        training["accelerator_count"] = next(iter(gpus))
    places = {row.get("country_iso_code", "") for _, _, row in runs}
    if len(places) == 1 and country(next(iter(places))):
        training["location"] = {"country": country(next(iter(places)))}
    if energy_kwh:
        mwh = tidy(energy_kwh / 1000)
        if pue is not None and pue > 1:
            training["energy_mwh"] = figure(
                mwh, sid, f"{count}: energy_consumed (kWh) / 1000; includes CodeCarbon's pue {pue:g}"
            )
        else:
            training["it_energy_mwh"] = figure(
                mwh,
                sid,
                f"{count}: energy_consumed (kWh) / 1000, CPU + GPU + RAM as measured, pue 1 (no facility overhead)",
            )
    if emissions_kg:
        training["emissions_tco2e"] = figure(
            tidy(emissions_kg / 1000), sid, f"{count}: emissions (kg CO2e) / 1000, location-based"
        )
    if not training:
        ctx.report.add("skipped", label, "no duration, energy or emissions in the runs")
        return
    models = sorted({text(row.get("gpu_model"), 200) or "" for _, _, row in runs} - {""})
    training["note"] = text(f"Measured with CodeCarbon ({count}); hardware: {', '.join(models) or 'not recorded'}.")
    training["sources"] = [
        {
            "id": sid,
            "title": "CodeCarbon emissions log (emissions.csv)",
            "url": url,
            "publisher": "CodeCarbon",
            "locator": f"{len(runs)} rows",
        }
    ]
    existing = ctx.data("model", model_id) or {}
    yield Planned(
        "model",
        model_id,
        {"id": model_id, "name": existing.get("name", model_id), "training": training, "sources": [sid]},
        label,
    )
