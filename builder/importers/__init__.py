"""Importers: map foreign data sets onto registry records, merge them into the registry and report what changed.

`run_import` is the pure entry point the command line calls; each importer module yields
`Planned` records and reports rows it skips, and this engine merges, validates and writes them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from builder import spreadsheet
from builder.importers import merge as merging
from builder.importers import yamlout
from builder.importers.common import Index, Record
from builder.importers.report import Progress, Report
from builder.load import checks
from builder.load.schemas import Schemas
from builder.load.yamlfile import YamlProblem, parse, read
from builder.problems import dotted
from builder.records.precedence import Precedence

FOLDERS = yamlout.FOLDER


@dataclass
class Planned:
    """One record an importer wants in the registry, with the upstream row it comes from."""

    kind: str
    id: str
    data: Record
    row: str
    owned: frozenset[str] | None = None


@dataclass
class _Existing:
    path: Path
    data: Record
    text: str


@dataclass
class Context:
    """What importers may read: the registry's records by kind (found by id, name or alias) and the report."""

    root: Path
    report: Report
    progress: Progress | None = None
    existing: dict[str, dict[str, _Existing]] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    planned_ids: dict[str, set[str]] = field(default_factory=dict)
    options: dict[str, str | None] = field(default_factory=dict)

    def find(self, kind: str, *names: str | None) -> str | None:
        return self.indexes[kind].find(*names)

    def exists(self, kind: str, record_id: str) -> bool:
        return record_id in self.existing[kind] or record_id in self.planned_ids[kind]

    def data(self, kind: str, record_id: str) -> Record | None:
        found = self.existing[kind].get(record_id)
        return found.data if found else None

    def plan(self, planned: Planned) -> Planned:
        """Note a record as coming, so later rows can refer to it and find it by name."""
        self.planned_ids[planned.kind].add(planned.id)
        self.indexes[planned.kind].add(planned.id, planned.data)
        return planned

    def tick(self, done: int, total: int, label: str) -> None:
        if self.progress is not None:
            self.progress(done, total, label)


def _importers() -> dict[str, ModuleType]:
    from builder.importers import codecarbon, epoch, epoch_chips, hf_card, mof, osai, owid_grid

    return {
        "epoch": epoch,
        "epoch-chips": epoch_chips,
        "owid-grid": owid_grid,
        "osai": osai,
        "mof": mof,
        "codecarbon": codecarbon,
        "hf-card": hf_card,
    }


KINDS = ("epoch", "epoch-chips", "owid-grid", "osai", "mof", "codecarbon", "hf-card")


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given, with each folder replaced by the data files in it (osai/ and mof/ hold one file per model)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".csv", ".json", ".md")
            )
        else:
            out.append(path)
    return out


def load_existing(root: Path) -> tuple[dict[str, dict[str, _Existing]], dict[str, Index]]:
    """Every readable record file under the registry folder, by kind and id."""
    existing: dict[str, dict[str, _Existing]] = {kind: {} for kind in FOLDERS}
    for kind, folder in FOLDERS.items():
        directory = root / folder
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.yaml")):
            try:
                data, text = read(path)
            except (YamlProblem, OSError):
                continue
            if isinstance(data, dict):
                existing[kind][path.stem] = _Existing(path, data, text)
    indexes = {kind: Index((i, e.data) for i, e in found.items()) for kind, found in existing.items()}
    return existing, indexes


def run_import(
    kind: str,
    files: Sequence[Path],
    registry: Path,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    model: str | None = None,
    url: str | None = None,
) -> Report:
    """Import upstream files of one kind into the registry folder; returns the report (writes nothing on a dry run).

    `model` names the model a per-model import (codecarbon, hf-card) applies to, and `url` where
    its file is published (the source every figure cites); by default both come from the file.
    """
    importers = _importers()
    if kind not in importers:
        raise ValueError(f"unknown import kind '{kind}': choose one of {', '.join(KINDS)}")
    module = importers[kind]
    files = expand(files)
    report = Report(kind, dry_run)
    existing, indexes = load_existing(registry)
    ctx = Context(
        registry, report, progress, existing, indexes, {k: set() for k in FOLDERS}, {"model": model, "url": url}
    )
    planned: dict[tuple[str, str], Planned] = {}
    order: list[tuple[str, str]] = []
    records: Iterator[Planned] = module.records(list(files), ctx)
    for item in records:
        ident = (item.kind, item.id)
        if ident in planned:
            first = planned[ident]
            aliases = "aliases" in yamlout.key_order(item.kind, ())  # grids have no aliases: a second name is left out
            first.data = merging.merge(first.data, item.data, frozenset(), aliases=aliases).data
            continue
        planned[ident] = item
        order.append(ident)
    owned: frozenset[str] = module.OWNED
    outputs = _resolve(ctx, [planned[i] for i in order], owned, force)
    if not dry_run:
        for path, text in outputs:
            _write(path, text)
            report.written.append(str(path))
    return report


def _resolve(ctx: Context, items: list[Planned], owned: frozenset[str], force: bool) -> list[tuple[Path, str]]:
    """The files to write; a record the import would only add its own source to is unchanged (nothing would cite it)."""
    schemas = Schemas()
    tolerance = _tolerance(ctx.root)
    table = _precedence(ctx.root)
    outputs: list[tuple[Path, str]] = []
    for item in items:
        label = f"{FOLDERS[item.kind]}/{item.id}.yaml"
        before = ctx.existing[item.kind].get(item.id)
        if before is None:
            data, changes, conflicts = item.data, ["new"], _reconcile_hours(item.data, {}, tolerance)
        else:
            mine = owned if item.owned is None else item.owned
            merged = merging.merge(
                before.data, item.data, mine, force, "aliases" in yamlout.key_order(item.kind, ()), table
            )
            data, changes, conflicts = merged.data, merged.changes, merged.conflicts
            conflicts += _reconcile_hours(data, before.data, tolerance)
        for c in conflicts:
            verb = "took the import (--force)" if c.taken else "kept the registry's value (--force takes the import)"
            if c.why:
                kept = "took the import" if c.taken else "kept the registry value"
                verb = f"{kept}, {c.why}; the other is kept in disagrees"
            ctx.report.add(
                "conflict",
                f"{label} {c.path}",
                f"registry has {_short(c.kept)}, {item.row} has {_short(c.imported)}: {verb}",
            )
        if not changes or (before is not None and (data == before.data or set(changes) <= {"sources"})):
            ctx.report.add("unchanged", label, item.row)
            continue
        for pointer, _ in spreadsheet.formula_texts(item.data):
            ctx.report.add(
                "flagged",
                f"{label} {dotted(pointer)}",
                f"{item.row}: the text starts like a spreadsheet formula "
                "(=, +, -, @): the CSV downloads will show it with a leading ' (check it is what the source says)",
            )
        problem = _problem(ctx, item.kind, data, label, schemas)
        if problem:
            ctx.report.add("skipped", label, f"{item.row}: the result would not validate: {problem}")
            continue
        comment = f"Imported from {item.row}; edit freely: re-imports keep what people write."
        text = (
            yamlout.render(item.kind, data, comment) if before is None else yamlout.update(item.kind, before.text, data)
        )
        where = _difference(data, parse(text))
        if where is not None:
            ctx.report.add(
                "skipped",
                label,
                f"{item.row}: the YAML written would not read back as the imported data (at {where or 'top'})",
            )
            continue
        path = before.path if before else ctx.root / FOLDERS[item.kind] / f"{item.id}.yaml"
        outputs.append((path, text))
        if before is None:
            ctx.report.add("added", label, item.row)
        else:
            ctx.report.add("changed", label, f"{item.row}: {', '.join(_compact(changes))}")
    return outputs


def _precedence(root: Path) -> Precedence | None:
    """The registry's source precedence table, or None without one (conflicts are then only reported, as before)."""
    try:
        data, _ = read(root / "precedence.yaml")
    except (YamlProblem, OSError):
        return None
    return Precedence(data) if isinstance(data, dict) else None


def _tolerance(root: Path) -> float:
    """The registry's accelerator-hours tolerance (0.05 when its assumptions file does not say)."""
    try:
        data, _ = read(root / "assumptions.yaml")
        return float(data["assumptions"]["accelerator_hours_tolerance"]["value"])
    except (YamlProblem, OSError, KeyError, TypeError, ValueError):
        return 0.05


HOURS = ("accelerator_count", "duration_hours", "accelerator_hours")


def _reconcile_hours(data: Record, before: Record, tolerance: float) -> list[merging.Conflict]:
    """Imported count, duration or accelerator-hours that contradict the registry's are left out (even with --force)
    and reported."""
    training = data.get("training")
    if not isinstance(training, dict) or not checks.check_accelerator_hours("-", training, tolerance):
        return []
    earlier = before.get("training")
    old: Record = earlier if isinstance(earlier, dict) else {}
    dropped = [k for k in HOURS if k in training and training[k] != old.get(k)]
    if len(dropped) == len(HOURS) and not any(k in old for k in HOURS):
        dropped = ["accelerator_hours"]  # the upstream row disagrees with itself: keep count and duration
    for k in dropped:
        if k in old:
            training[k] = old[k]
        else:
            del training[k]
    if not dropped:
        return []
    shown = ", ".join(dropped)
    kept = {k: old[k] for k in HOURS if k in old} or "no accelerator-hours figures"
    return [merging.Conflict(f"training.{shown}", kept, "figures that disagree with them (left out)")]


def _difference(a: Any, b: Any, path: str = "") -> str | None:
    """The first path where two plain data trees differ, or None when they are equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in dict.fromkeys([*a, *b]):
            found = _difference(a.get(k), b.get(k), f"{path}.{k}" if path else str(k))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _difference(x, y, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    return None if a == b else path


def _compact(changes: list[str]) -> list[str]:
    return list(dict.fromkeys(changes))


def _short(value: Any) -> str:
    shown = repr(value.get("value") if isinstance(value, dict) and "value" in value else value)
    return shown if len(shown) < 80 else shown[:77] + "..."


def _problem(ctx: Context, kind: str, data: Record, label: str, schemas: Schemas) -> str | None:
    """The first schema, within-file or reference problem of a record about to be written."""
    found = [
        p
        for p in schemas.check(kind, data, label)
        + checks.check_within_file(label, data)
        + spreadsheet.check_names(label, data)
        if p.is_error
    ]
    if found:
        return f"{found[0].field_path}: {found[0].message}"
    for pointer, what in _references(kind, data):
        ref: Any = data
        for part in pointer:
            ref = (
                ref.get(part)
                if isinstance(ref, dict) and isinstance(part, str)
                else (ref[part] if isinstance(ref, list) and isinstance(part, int) and part < len(ref) else None)
            )
        if isinstance(ref, str) and not ctx.exists(what, ref):
            return f"{'.'.join(map(str, pointer))}: no {what} '{ref}' in the registry or this import"
    return None


def _references(kind: str, data: Record) -> list[tuple[tuple[str | int, ...], str]]:
    if kind != "model":
        return []
    orgs = data.get("organization")
    fields: list[tuple[tuple[str | int, ...], str]] = (
        [(("organization",), "organization")]
        if isinstance(orgs, str)
        else [(("organization", i), "organization") for i in range(len(orgs) if isinstance(orgs, list) else 0)]
    )
    return [*fields, (("training", "accelerator"), "hardware"), (("training", "location", "grid"), "grid")]


def _write(path: Path, text: str) -> None:
    """Replace the file in one step, so an interrupted import never leaves half a record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def describe() -> dict[str, str]:
    """One line per import kind, for the command's help."""
    return {name: (module.__doc__ or "").strip().splitlines()[0] for name, module in _importers().items()}
