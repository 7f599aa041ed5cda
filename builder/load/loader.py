"""The registry in memory: finds every file, reads, validates and cross-checks it, and returns typed records."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from builder import spreadsheet
from builder.load import checks, limits, openness_rules, relations, reserved
from builder.load.schemas import Schemas
from builder.load.yamlfile import Locator, YamlProblem, read
from builder.problems import Problem, RegistryError
from builder.records import assumption_names, construct
from builder.records.registry import FOLDERS, Registry
from builder.records.types import RELATIONS, sources

ASSUMPTIONS_FILE = "assumptions.yaml"
REQUIRED_ASSUMPTIONS = assumption_names.REQUIRED  # the defaults derivation reads, each sourced in the file
OPENNESS_FILE = "openness.yaml"
PRECEDENCE_FILE = "precedence.yaml"  # optional: without it, `audit` puts every source in one tier
Stamps = Mapping[Path, tuple[int, int] | None]  # every registry file's modification time and size (None: unreadable)


@dataclass
class Loaded:
    """What loading found: the registry (None when there are errors) and every problem, located and sorted."""

    registry: Registry | None
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    stamps: Stamps = field(
        default_factory=dict
    )  # each file's modification time and size when it was read: what tells an edit

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def require(self) -> Registry:
        """The registry, or RegistryError carrying the problems that prevent its use."""
        if self.registry is None:
            raise RegistryError(self.problems, self.files)
        return self.registry


@dataclass
class _File:
    kind: str
    path: Path
    shown: str
    text: str = ""
    data: Any = None
    valid: bool = False
    problems: list[Problem] = field(default_factory=list)
    record: Any = None  # the record built from `data` by an earlier load, while the file is unchanged


def display_path(path: Path) -> str:
    """The path as a contributor would type it: relative to the current folder when inside it."""
    folder = _shown_folder(os.getcwd(), str(path.parent))
    shown = None if folder is None else folder + path.name
    return str(path) if shown is None or shown.startswith("..") else shown


@functools.lru_cache(maxsize=64)
def _shown_folder(cwd: str, folder: str) -> str | None:
    """A folder as display_path shows the files in it ("" for `cwd` itself, None outside it): found once per folder,
    not per file (os.path.relpath is slow)."""
    try:
        shown = os.path.relpath(folder, cwd)
    except ValueError:
        return None
    return None if shown.startswith("..") else "" if shown == "." else shown + os.sep


def discover(root: Path) -> list[tuple[str, Path]]:
    """Every record file in the registry folder, by kind, in a stable order."""
    found = [("assumptions", root / ASSUMPTIONS_FILE), ("openness", root / OPENNESS_FILE)]
    if (root / PRECEDENCE_FILE).is_file():
        found.append(("precedence", root / PRECEDENCE_FILE))
    for kind, folder in FOLDERS.items():
        directory = root / folder
        if directory.is_symlink():  # reported as a link when read: its files are not the repository's
            found.append((kind, directory))
        elif directory.is_dir():
            found += [
                (kind, p)
                for p in sorted(directory.iterdir())
                if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")
            ]
    return found


@dataclass(frozen=True)
class _Read:
    """What reading one file found, kept between builds while the file is unchanged."""

    stamp: tuple[int, int]
    data: Any
    text: str
    problems: tuple[Problem, ...]
    valid: bool
    record: Any = (
        None  # the record built from the file, once a load got that far: the same object while the file is unchanged
    )


FileCache = MutableMapping[Path, _Read]


def load(root: Path, schemas: Schemas | None = None, cache: FileCache | None = None) -> Loaded:
    """Read, validate and cross-check a registry folder; every problem is reported, none raised.

    With a cache (a preview server keeps one between rebuilds), files whose size and modification time are
    unchanged are not read or validated again; the rules between records always run on the whole registry.
    """
    schemas = schemas or Schemas()
    found = discover(root)
    stamps = {path: _stamp(path) for _, path in found}  # before reading: an edit made meanwhile shows in the next load
    files = _read_all(found, stamps, schemas, cache if cache is not None else {})
    by_kind: dict[str, dict[str, _File]] = {kind: {} for kind in FOLDERS}
    for f in files:
        if f.kind in by_kind:
            _register(f, by_kind[f.kind])
    assumptions_file = files[0]
    tolerance = _tolerance(assumptions_file)
    for f in files:
        if isinstance(f.data, Mapping) and f.kind in FOLDERS:
            f.problems += _references(f, by_kind, tolerance)
        elif isinstance(f.data, Mapping) and f.valid and f.kind == "precedence":
            f.problems += checks.check_precedence(f.data, f.shown)
    _openness_rules(files, by_kind)
    _between_records(by_kind)
    problems = sorted(p for f in files for p in _located(f))
    if any(p.is_error for p in problems):
        return Loaded(None, problems, len(files), stamps)
    return Loaded(_build(root, files, by_kind, cache, schemas.folder), problems, len(files), stamps)


def _read_all(found: list[tuple[str, Path]], stamps: Stamps, schemas: Schemas, cache: FileCache) -> list[_File]:
    """Every file, from the cache where unchanged."""
    kept = {
        path: cache[path]
        for _, path in found
        if path in cache and stamps[path] is not None and cache[path].stamp == stamps[path]
    }
    files = []
    for kind, path in found:
        if path in kept:
            k = kept[path]
            files.append(_File(kind, path, display_path(path), k.text, k.data, k.valid, list(k.problems), k.record))
            continue
        f = _read(kind, path, schemas)
        stamp = stamps[path]
        if stamp is not None:
            cache[path] = _Read(stamp, f.data, f.text, tuple(f.problems), f.valid)
        files.append(f)
    return files


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def _read(kind: str, path: Path, schemas: Schemas) -> _File:
    f = _File(kind, path, display_path(path))
    if path.suffix == ".yml":
        f.problems.append(checks.problem(f.shown, "file-name", (), "registry files end in .yaml: rename it"))
        return f
    if not os.path.lexists(path):  # anything else there (a link, a folder, a pipe) is refused when read
        f.problems.append(checks.problem(f.shown, "file-missing", (), f"the registry needs this file ({kind})"))
        return f
    try:
        f.data, f.text = read(path)
    except YamlProblem as exc:
        f.problems.append(exc.problem(f.shown))
        return f
    if kind in FOLDERS:
        f.problems += checks.check_file_identity(f.shown, path.stem, f.data, FOLDERS[kind])
        f.problems += reserved.check_reserved(f.shown, path.stem, FOLDERS[kind])
    f.problems += schemas.check(kind, f.data, f.shown)
    f.problems += checks.check_within_file(f.shown, f.data)
    f.problems += spreadsheet.check_names(f.shown, f.data)
    f.valid = not any(p.is_error for p in f.problems)
    return f


def _register(f: _File, same_kind: dict[str, _File]) -> None:
    key = f.path.stem.lower()
    other = same_kind.get(key)
    if other is not None:
        f.problems.append(
            checks.problem(
                f.shown,
                "id-duplicate",
                ("id",),
                f"the id '{f.path.stem}' is already used by {other.shown} (ids must differ in more than letter case)",
            )
        )
        f.valid = False
        return
    same_kind[key] = f


def _tolerance(f: _File) -> float:
    """The accelerator-hours tolerance; also reports every default the builder needs that the file lacks."""
    if not f.valid:
        return 0.0
    given = f.data["assumptions"]
    for key in REQUIRED_ASSUMPTIONS:
        if key not in given:
            f.problems.append(
                checks.problem(
                    f.shown,
                    "assumption-missing",
                    ("assumptions",),
                    f"the assumption '{key}' is missing: the builder uses it",
                )
            )
    for section in ("operators", "organization_kinds"):
        for name, entry in (f.data.get(section) or {}).items():
            if entry["pue"] not in given:
                f.problems.append(
                    checks.problem(
                        f.shown,
                        "assumption-missing",
                        (section, name, "pue"),
                        f"the PUE assumption '{entry['pue']}' is not in assumptions: add it or name one that is",
                    )
                )
    f.valid = not any(p.is_error for p in f.problems)
    entry = given.get("accelerator_hours_tolerance")
    return float(entry["value"]) if entry else 0.0


def _references(f: _File, by_kind: dict[str, dict[str, _File]], tolerance: float) -> list[Problem]:
    data, shown = f.data, f.shown
    found: list[Problem] = []
    targets = {
        "organization": by_kind["organization"],
        "hardware": by_kind["hardware"],
        "grid": by_kind["grid"],
        "model": by_kind["model"],
    }
    for pointer, what in _reference_fields(f.kind, data):
        ref = _get(data, pointer)
        if isinstance(ref, str) and ref not in targets[what]:
            if (
                len(found) < limits.SUGGESTIONS
            ):  # a suggestion compares with every record of the kind: only for listed problems
                found += checks.check_reference(shown, pointer, ref, targets[what], what, FOLDERS[what])
            else:
                found.append(
                    checks.problem(shown, f"ref-{what}", pointer, f"no {what} '{ref}' in registry/{FOLDERS[what]}/")
                )
    training = data.get("training")
    if f.kind == "model" and isinstance(training, Mapping):
        found += checks.check_accelerator_hours(shown, training, tolerance)
    if f.kind == "grid":
        found += checks.check_grid_basis(shown, data)
    return found


def _openness_rules(files: list[_File], by_kind: dict[str, dict[str, _File]]) -> None:
    """Openness statuses that contradict each other or their licence, by the rules of a valid openness table."""
    table = files[1]
    if not table.valid or not isinstance(table.data, Mapping):
        return
    models = by_kind["model"].values()
    found = openness_rules.check(((f.shown, f.data) for f in models if f.valid), table.data)
    for f in models:
        f.problems += found.get(f.shown, [])


def _between_records(by_kind: dict[str, dict[str, _File]]) -> None:
    """The rules between records (relations, former ids, duplicates, link identity), each problem kept with its file."""
    entries = {
        kind: {
            f.path.stem: relations.Entry(f.shown, f.data) for f in by_kind[kind].values() if isinstance(f.data, Mapping)
        }
        for kind in ("model", "organization")
    }
    files = {f.shown: f for kind in ("model", "organization") for f in by_kind[kind].values()}
    for p in relations.check(entries["model"], entries["organization"]):
        files[p.path].problems.append(p)


def _reference_fields(kind: str, data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Where a record names another record, and the kind it names."""
    if kind == "model":
        orgs = data.get("organization")
        fields: list[tuple[tuple[str | int, ...], str]] = (
            [(("organization",), "organization")]
            if isinstance(orgs, str)
            else [(("organization", i), "organization") for i in range(len(orgs) if isinstance(orgs, list) else 0)]
        )
        fields += [((relation,), "model") for relation in RELATIONS]
        return [*fields, (("training", "accelerator"), "hardware"), (("training", "location", "grid"), "grid")]
    if kind == "claim":
        related = data.get("related_models")
        return [(("related_models", i), "model") for i in range(len(related) if isinstance(related, list) else 0)]
    return []


def _get(data: Any, pointer: tuple[str | int, ...]) -> Any:
    for part in pointer:
        if isinstance(part, str) and isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def locate(problems: Iterable[Problem]) -> list[Problem]:
    """Fill in line and column of problems found after loading (such as cross-check warnings), reading only their
    files."""
    locators: dict[str, Locator] = {}
    out = []
    for p in problems:
        if p.line == 0:
            if p.path not in locators:
                try:
                    locators[p.path] = Locator(Path(p.path).read_text(encoding="utf-8"))
                except OSError:
                    locators[p.path] = Locator("")
            p = p.located(*locators[p.path].at(p.pointer))
        out.append(p)
    return sorted(out)


def _record(kind: str, f: _File, cache: FileCache | None) -> Any:
    if (
        f.record is not None and getattr(f.record, "path", None) == f.shown
    ):  # records name their file as shown from here
        return f.record
    record = construct.any_record(kind, f.data, f.shown)
    if cache is not None and f.path in cache:
        cache[f.path] = replace(cache[f.path], record=record)
    return record


def _located(f: _File) -> Iterable[Problem]:
    if not f.problems:
        return []
    locator = Locator(f.text) if f.text else None
    out = []
    for p in limits.capped(f.problems):
        if p.line == 0 and locator is not None:
            p = p.located(*locator.at(p.pointer))
        out.append(p)
    return out


def _build(
    root: Path, files: list[_File], by_kind: dict[str, dict[str, _File]], cache: FileCache | None, schema_folder: Path
) -> Registry:
    """The registry's records; with a cache, an unchanged file gives the same record object as in the last load (so
    what was derived from it can be kept)."""
    records: dict[str, dict[str, Any]] = {}
    for kind, group in by_kind.items():
        records[kind] = {f.path.stem: _record(kind, f, cache) for f in group.values()}
    raw_assumptions = files[0].data
    return Registry(
        root=root,
        models=records["model"],
        hardware=records["hardware"],
        grids=records["grid"],
        organizations=records["organization"],
        claims=records["claim"],
        assumptions=construct.assumptions(raw_assumptions),
        assumption_sources=sources(raw_assumptions.get("sources")),
        openness_scoring=files[1].data,
        operators=construct.operators(raw_assumptions),
        organization_kinds=raw_assumptions.get("organization_kinds") or {},
        precedence=next((f.data for f in files if f.kind == "precedence"), {}),
        schema_folder=schema_folder,
    )
