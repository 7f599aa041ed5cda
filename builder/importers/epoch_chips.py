"""Epoch AI's machine-learning hardware database onto hardware records, dense peak figures only."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from builder.importers import Context, Planned, sources
from builder.importers.common import (
    Record,
    figure,
    hardware_id,
    hardware_rows,
    key,
    number,
    put,
    read_csv_or_skip,
    text,
    urls,
)

OWNED = frozenset({"epoch-chips"})
KIND = {"gpu": "gpu", "gpgpu": "gpu", "tpu": "tpu", "cpu": "cpu"}
TENSOR_16 = "Tensor-FP16/BF16 performance (FLOP/s)"
# Dense throughput columns only: Epoch's 'Max performance' and 'Performance (TOPS)' may be sparse or mixed headline
# figures.
DENSE = {
    "fp32": "FP32 (single precision) performance (FLOP/s)",
    "tf32": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "fp8": "FP8 performance (FLOP/s)",
    "int8": "INT8 performance (OP/s)",
}


def records(files: Sequence[Path], ctx: Context) -> Iterator[Planned]:
    """Hardware from the rows Epoch marks as ML hardware or that the Epoch hardware-name table maps.

    A chip the table lists under several names takes its figures from one row per file: the row whose
    name the table lists first (the others become aliases). Every other row naming that chip is
    reported as skipped, never dropped silently.
    """
    table = hardware_rows()
    for path in files:
        found = read_csv_or_skip(path, ctx.report)
        if found is None:
            continue
        header, rows = found
        if "Hardware name" not in header or TENSOR_16 not in header:
            ctx.report.add(
                "skipped", str(path), f"not an Epoch AI chips CSV (no 'Hardware name' and '{TENSOR_16}' columns)"
            )
            continue
        chosen = _chosen(rows, table)
        seen: set[str] = set()
        for done, (line, row) in enumerate(rows, 1):
            ctx.tick(done, len(rows), f"epoch-chips {path.name}")
            name = row.get("Hardware name", "")
            target = _listed(name, table)
            if not name or (target is None and row.get("ML hardware", "").lower() != "checked"):
                continue
            label = f'Epoch AI {path.name}, line {line}, row "{name}"'
            if target is not None and chosen[target[0]][1] != line:
                hw_id, first = target[0], chosen[target[0]][2]
                ctx.report.add(
                    "skipped",
                    label,
                    f'another Epoch name for {hw_id}, whose figures come from row "{first}" '
                    "(the name builder/importers/hardware_names.yaml lists first)",
                )
                continue
            hw_id = target[0] if target else ctx.find("hardware", hardware_id(name), name) or hardware_id(name)
            if hw_id in seen:
                ctx.report.add("skipped", label, f"another row of this file already gave {hw_id}")
                continue
            seen.add(hw_id)
            names = [name, *(n for n in table.get(hw_id, []) if key(n) != key(name))]
            yield ctx.plan(Planned("hardware", hw_id, _hardware(hw_id, name, row, names), label))


def _listed(name: str, table: dict[str, list[str]]) -> tuple[str, int] | None:
    """The table's id for a row name and the name's rank among the id's names (a name whose slug is a listed id ranks
    last)."""
    found = _ranks().get(key(name))
    if found is not None:
        return found
    slug = hardware_id(name)
    return (slug, len(table[slug])) if name and slug in table else None


@cache
def _ranks() -> dict[str, tuple[str, int]]:
    """Folded Epoch name -> (registry id, its place in the id's list in hardware_names.yaml)."""
    ranks: dict[str, tuple[str, int]] = {}
    for hw_id, names in hardware_rows().items():
        for rank, listed in enumerate(names):
            ranks.setdefault(key(listed), (hw_id, rank))
    return ranks


def _chosen(rows: list[tuple[int, dict[str, str]]], table: dict[str, list[str]]) -> dict[str, tuple[int, int, str]]:
    """For each table id named in the file: (rank, line, name) of the row to take its figures from."""
    chosen: dict[str, tuple[int, int, str]] = {}
    for line, row in rows:
        name = row.get("Hardware name", "")
        target = _listed(name, table)
        if target is not None and (target[0] not in chosen or (target[1], line) < chosen[target[0]][:2]):
            chosen[target[0]] = (target[1], line, name)
    return chosen


def _hardware(hw_id: str, name: str, row: dict[str, str], names: list[str]) -> Record:
    sid = "epoch-chips"
    kind = KIND.get(row.get("Type", "").strip().lower(), "other")
    record: Record = {"id": hw_id, "name": name}
    put(record, "aliases", [n for n in names if key(n) != key(name)])
    put(record, "vendor", text(row.get("Manufacturer"), 200))
    record["kind"] = kind
    released = row.get("Release date", "")
    if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", released):
        record["released"] = released
    put(record, "tdp_w", figure(number(row.get("TDP (W)")), sid))
    memory = number(row.get("Memory size per board (Byte)"))
    put(record, "memory_gb", figure(number(memory / 1e9) if memory else None, sid, "memory per board"))
    put(record, "peak_flops", _peaks(row, kind, released, sid))
    links = urls(row.get("Link to datasheet", ""))
    record["sources"] = [
        sources.epoch_chips(f'row "{name}"'),
        *(
            {"id": f"datasheet-{i}" if len(links) > 1 else "datasheet", "title": f"{name} specifications", "url": u}
            for i, u in enumerate(links[:3], 1)
        ),
    ]
    return record


def _peaks(row: dict[str, str], kind: str, released: str, sid: str) -> Record:
    """Dense peaks per precision; the tensor FP16/BF16 figure goes to the formats the chip has (no BF16 before 2020
    GPUs, no FP16 on TPUs)."""
    peaks: Record = {}
    dense_16 = number(row.get(TENSOR_16))
    if dense_16 is not None:
        note = "dense tensor FP16/BF16 as listed by Epoch AI (never 2:4-sparse)"
        has_bf16 = kind == "tpu" or released[:4] >= "2020"
        if has_bf16:
            peaks["bf16"] = figure(dense_16, sid, note)
        if kind != "tpu":
            peaks["fp16"] = figure(dense_16, sid, note)
    for precision, column in DENSE.items():
        put(peaks, precision, figure(number(row.get(column)), sid))
    order = ["fp32", "tf32", "bf16", "fp16", "fp8", "int8"]
    return {p: peaks[p] for p in order if p in peaks}
