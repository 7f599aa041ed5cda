"""Dataset downloads and the static JSON API: deterministic bytes from the registry, written atomically."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from builder import __version__
from builder.derive.derived import ModelReport
from builder.export import package as export_package
from builder.export.package import FileInfo, sha256
from builder.export.parquet import parquet_bytes
from builder.export.sqlite import sqlite_bytes
from builder.export.staging import staging as staging_folder
from builder.export.tables import Table, csv_bytes, tables
from builder.load.schemas import Schemas, schema_dir
from builder.records.registry import Registry

SUMS = "SHA256SUMS"
MARKER = ".ai-impact-registry-export"  # written into every export folder; only a folder holding it is ever replaced
MARKER_TEXT = (
    b"This folder was written by `python -m builder export`: the next export to it replaces the whole folder.\n"
)
PACKAGE = "datapackage.json"
COLLECTIONS = ("models", "hardware", "grids", "organizations", "claims")
JSON_FILES = (
    FileInfo(
        "models.json", "json", "application/json", "Every model as written in its YAML file, plus `derived`", "json"
    ),
    FileInfo("models.jsonl", "jsonl", "application/jsonl", "The same records as models.json, one JSON object per line"),
    FileInfo("hardware.json", "json", "application/json", "Every hardware record as written", "json"),
    FileInfo("grids.json", "json", "application/json", "Every grid record as written", "json"),
    FileInfo("organizations.json", "json", "application/json", "Every organization record as written", "json"),
    FileInfo("claims.json", "json", "application/json", "Every claim record as written", "json"),
)
BINARY_FILES = (
    FileInfo(
        "registry.sqlite",
        "sqlite",
        "application/vnd.sqlite3",
        "All tables in one SQLite database with keys and foreign keys",
    ),
    FileInfo(
        "models.parquet",
        "parquet",
        "application/vnd.apache.parquet",
        "models.csv as Parquet, with column types and descriptions",
    ),
)
# The bulkiest downloads, which the site publishes gzip-compressed (`models.json.gz`...) to stay far below GitHub Pages'
# 1 GB limit for a site: they shrink 8-15 times. `python -m builder export` writes them uncompressed unless asked
# (`--gzip`).
SITE_GZIP = ("models.json", "models.jsonl", "registry.sqlite", "metric_inputs.csv", "derived_metrics.csv")
GZIP_NOTE = "Compressed with gzip: `gunzip` gives the file `python -m builder export` writes, byte for byte."
GZIP_READERS = " pandas, DuckDB and R's readr read it as it is."  # not SQLite, which opens only the unpacked file
FORMAT_NOTES = {
    "models.csv": "One row per model: key reported figures, and each derived figure with `_low`, `_high`, `_method` "
    "and `_path` columns.",
    "models.json": "Lossless: every field of every model file, plus `derived` (value, range, method, formula, "
    "inputs, sources).",
    "models.jsonl": "models.json as JSON Lines, one model per line, for streaming tools.",
    "registry.sqlite": "Normalised tables with primary and foreign keys; `_columns` describes every column, "
    "`_metadata` gives version and licence. "
    "Open with `datasette registry.sqlite` or any SQL client.",
    "models.parquet": "models.csv with column types (float64, int64, bool, string) and descriptions, for pandas, "
    "Polars, R arrow, DuckDB.",
    PACKAGE: "Frictionless Data Package v2: licence, credits, version, and a Table Schema (types, descriptions, "
    "keys) for every CSV.",
    SUMS: "SHA-256 of every other file; check with `sha256sum -c SHA256SUMS`.",
}


def git_commit(root: Path) -> str | None:
    """The short commit of the checkout holding `root`, with '.dirty' when the registry has uncommitted changes; None
    outside git."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return None
    return commit + (".dirty" if git("status", "--porcelain", "--", ".") else "")


def dataset_version(root: Path) -> str:
    """The project version, plus the git commit (as a PEP 440 local part) when the registry is a git checkout."""
    commit = git_commit(root)
    return f"{__version__}+{commit}" if commit else __version__


def dumps(value: Any) -> bytes:
    """Canonical JSON: sorted keys, UTF-8, two-space indent, a final newline; NaN is refused rather than written."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False) + "\n").encode("utf-8")


def dumps_compact(value: Any) -> bytes:
    """Canonical JSON without indentation, for the large data files and the API (about 40% smaller)."""
    return _compact(value) + b"\n"


def model_record(report: ModelReport) -> dict[str, Any]:
    """A model exactly as written in its YAML file, plus `derived`."""
    return {**report.model.data, "derived": report.derived_json()}


def records(registry: Registry, reports: Mapping[str, ModelReport]) -> dict[str, list[dict[str, Any]]]:
    """Every record of every kind, as written (models with `derived`), in id order."""

    def plain(items: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [dict(items[k].data) for k in sorted(items)]

    return {
        "models": [model_record(reports[k]) for k in sorted(reports)],
        "hardware": plain(registry.hardware),
        "grids": plain(registry.grids),
        "organizations": plain(registry.organizations),
        "claims": plain(registry.claims),
    }


@dataclass(frozen=True)
class Encoded:
    """A record with its canonical compact JSON, encoded once for the JSON files, the JSON Lines and the API."""

    data: dict[str, Any]
    json: bytes


Collections = dict[str, list[Encoded]]


def _compact(value: Any) -> bytes:
    """json.dumps(sort_keys=True) without whitespace, in UTF-8, written by orjson (faster than json): floats in
    shortest round-trip form with a plain exponent (`1e-06` is `1e-6`). orjson writes no integer wider than 64 bits
    (YAML allows 40 digits), which json then writes; nor does it refuse NaN, which the loader's bounds and Metric
    keep out."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode(
            "utf-8"
        )


def _object(members: Mapping[str, bytes]) -> bytes:
    """A JSON object from members already encoded, in the key order json.dumps(sort_keys=True) gives: the same bytes
    as dumps_compact."""
    return b"{" + b",".join(_compact(k) + b":" + members[k] for k in sorted(members)) + b"}"


def encoded(registry: Registry, reports: Mapping[str, ModelReport]) -> Collections:
    """Every record of every kind with its JSON, by collection, in id order."""
    return {
        collection: [Encoded(r, _compact(r)) for r in items] for collection, items in records(registry, reports).items()
    }


def _index_entry(collection: str, record: Mapping[str, Any]) -> dict[str, Any]:
    entry = {"id": record["id"], "name": record.get("name", record.get("title")), "url": f"{record['id']}.json"}
    if collection == "models":
        derived = record["derived"]
        entry.update(
            released=record.get("released"),
            organization=record.get("organization"),
            emissions_tco2e=(derived.get("emissions_tco2e") or {}).get("value"),
            energy_mwh=(derived.get("energy_mwh") or {}).get("value"),
        )
    return entry


def api_files(
    registry: Registry, reports: Mapping[str, ModelReport], version: str | None = None, found: Collections | None = None
) -> dict[str, bytes]:
    """The static API by path: api/<collection>/index.json and api/<collection>/<id>.json, plus the JSON Schemas
    under schema/."""
    version = version or dataset_version(registry.root)
    block = export_package.metadata(version)
    block_json = _compact(block)
    files: dict[str, bytes] = {}
    found = found if found is not None else encoded(registry, reports)
    for collection in COLLECTIONS:
        items = found[collection]
        files[f"api/{collection}/index.json"] = dumps_compact(
            {"dataset": block, "count": len(items), "items": [_index_entry(collection, r.data) for r in items]}
        )
        for record in items:
            files[f"api/{collection}/{record.data['id']}.json"] = (
                _object({"dataset": block_json, "data": record.json}) + b"\n"
            )
    files["api/index.json"] = dumps(
        {
            "dataset": block,
            "collections": {c: f"{c}/index.json" for c in COLLECTIONS},
            "schemas": [f"../schema/{p.name}" for p in _schema_files(registry)],
        }
    )
    for path in _schema_files(registry):
        files[f"schema/{path.name}"] = path.read_bytes()
    return files


def _schema_files(registry: Registry) -> list[Path]:
    """The schemas the registry was validated with, published beside the API."""
    return sorted((registry.schema_folder or schema_dir()).glob("*.schema.json"))


def sums(hashes: Mapping[str, str]) -> bytes:
    """A SHA256SUMS file in the format `sha256sum -c` reads, from each file's SHA-256."""
    return "".join(f"{hashes[name]}  {name}\n" for name in sorted(hashes)).encode("utf-8")


def _summed(files: Mapping[str, bytes]) -> dict[str, str]:
    """The SHA-256 of each file SHA256SUMS lists, read from it (the files are hashed once, when it is written)."""
    lines = files[SUMS].decode("utf-8").splitlines() if SUMS in files else []
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def gzipped(content: bytes) -> bytes:
    """gzip with no file name and no time in its header, so the same bytes give the same file (zlib's default level: see
    benchmarks/README.md for level 9)."""
    return gzip.compress(content, compresslevel=6, mtime=0)


def dataset_files(
    registry: Registry,
    reports: Mapping[str, ModelReport],
    version: str,
    found: Collections | None = None,
    gzip_names: Iterable[str] = (),
) -> dict[str, bytes]:
    """Every download by file name: CSVs, JSON, JSON Lines, SQLite, Parquet, datapackage.json and SHA256SUMS; the
    files named in `gzip_names` (for the site: SITE_GZIP) as `<name>.gz` in their place, which datapackage.json and
    SHA256SUMS then describe."""
    stamp = export_package.metadata(version)
    all_tables = tables(registry, reports, Schemas(registry.schema_folder))
    files: dict[str, bytes] = {f"{t.name}.csv": csv_bytes(t) for t in all_tables}
    found = found if found is not None else encoded(registry, reports)
    stamp_json = _compact(stamp)
    for collection, items in found.items():
        files[f"{collection}.json"] = (
            _object({"dataset": stamp_json, collection: b"[" + b",".join(r.json for r in items) + b"]"}) + b"\n"
        )
    files["models.jsonl"] = b"".join(r.json + b"\n" for r in found["models"])
    files["registry.sqlite"] = sqlite_bytes(all_tables, stamp)
    files["models.parquet"] = parquet_bytes(_table(all_tables, "models"), stamp)
    for name in gzip_names:
        files[f"{name}.gz"] = gzipped(files.pop(name))
    hashes = {name: sha256(content) for name, content in files.items()}
    package = export_package.datapackage(
        version, [(f"{t.name}.csv", t) for t in all_tables], [*JSON_FILES, *BINARY_FILES], files, hashes
    )
    files[PACKAGE] = dumps(package)
    hashes[PACKAGE] = sha256(files[PACKAGE])
    files[SUMS] = sums(hashes)
    return dict(sorted(files.items()))


def _table(all_tables: Iterable[Table], name: str) -> Table:
    return next(t for t in all_tables if t.name == name)


class ExportError(Exception):
    """An export that cannot be written where asked; nothing was changed."""


def _check_names(files: Mapping[str, bytes]) -> None:
    for name in files:
        pure = PurePosixPath(name)
        if not name or pure.is_absolute() or ".." in pure.parts or "\\" in name or str(pure) != name:
            raise ExportError(f"not a plain relative file name: {name!r}")


def _replaceable(out_dir: Path) -> None:
    """Refuse to replace anything but a folder this tool wrote (or an empty folder), so a mistyped --out cannot wipe
    a folder: a file named SHA256SUMS is no proof (any release folder has one); the marker only write_export writes
    is."""
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if out_dir.is_symlink() or not out_dir.is_dir():
        raise ExportError(f"{out_dir} exists and is not a folder")
    if any(out_dir.iterdir()) and not _marked(out_dir):
        raise ExportError(
            f"{out_dir} is not empty and holds no earlier export (no {MARKER} written by this tool): "
            "choose a new or empty folder"
        )


def _marked(out_dir: Path) -> bool:
    """Whether the folder holds the marker write_export writes: a regular file (not a link) with exactly its text."""
    marker = out_dir / MARKER
    try:
        return stat.S_ISREG(marker.lstat().st_mode) and marker.read_bytes() == MARKER_TEXT
    except OSError:
        return False


def write_export(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Write every file into a temporary sibling folder, then swap it in: a failure leaves the previous export
    untouched."""
    _check_names(files)
    out_dir = out_dir.absolute()
    _replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with staging_folder(out_dir) as staging:  # removed however this ends, a signal included; stale ones swept first
        os.chmod(staging, 0o755)
        for name in sorted(files):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as f:
                f.write(files[name])
        (staging / MARKER).write_bytes(MARKER_TEXT)  # what lets the next export replace this folder
        _swap(staging, out_dir)


def _swap(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    old = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    os.rename(out_dir, old)
    try:
        os.rename(staging, out_dir)
    except OSError:
        os.rename(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def export(registry: Registry, reports: Mapping[str, ModelReport], out_dir: Path) -> dict[str, bytes]:
    """Build every download and write it atomically to out_dir; returns what was written."""
    files = dataset_files(registry, reports, dataset_version(registry.root))
    write_export(out_dir, files)
    return files


@dataclass(frozen=True)
class Download:
    """One file as the downloads page lists it."""

    name: str
    size: int
    sha256: str
    format: str
    notes: str
    columns: tuple[tuple[str, str, str], ...] = ()  # a table's (name, type, description), from datapackage.json

    @property
    def size_text(self) -> str:
        size = float(self.size)
        for unit in ("bytes", "kB", "MB"):
            if size < 1000 or unit == "MB":
                return f"{self.size} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
            size /= 1000
        raise AssertionError("unreachable")


def _format(name: str) -> str:
    if name.endswith(".gz"):
        return f"{_format(name.removesuffix('.gz'))}, gzip"
    suffix = PurePosixPath(name).suffix.lstrip(".")
    return {
        "csv": "CSV",
        "json": "JSON",
        "jsonl": "JSON Lines",
        "sqlite": "SQLite",
        "parquet": "Parquet",
        "": "text",
    }.get(suffix, suffix)


def _notes(name: str, descriptions: Mapping[str, str]) -> str:
    if name.endswith(".gz"):
        plain = name.removesuffix(".gz")
        readers = "" if plain.endswith(".sqlite") else GZIP_READERS
        return f"{_notes(plain, {plain: descriptions.get(name, ''), **descriptions})} {GZIP_NOTE}{readers}"
    if name in FORMAT_NOTES:
        return FORMAT_NOTES[name]
    return descriptions.get(name, "") + (
        " Column types and descriptions in datapackage.json." if name.endswith(".csv") else ""
    )


def downloads(files: Mapping[str, bytes]) -> list[Download]:
    """Each download with size, SHA-256 and what it holds, in a useful order: the main files first."""
    package = json.loads(files[PACKAGE]) if PACKAGE in files else {"resources": []}
    descriptions = {r["path"]: r.get("description") or r.get("title", "") for r in package["resources"]}
    columns = {
        r["path"]: tuple((f["name"], f["type"], f.get("description", "")) for f in r["schema"]["fields"])
        for r in package["resources"]
        if isinstance(r.get("schema"), Mapping)
    }
    first = (
        "start_here.csv",
        "models.csv",
        "models.json",
        "models.jsonl",
        "models.parquet",
        "registry.sqlite",
        PACKAGE,
    )

    def rank(n: str) -> int:
        return first.index(n.removesuffix(".gz")) if n.removesuffix(".gz") in first else len(first)

    order = sorted(files, key=lambda n: (rank(n), n == SUMS, n))
    summed = _summed(files)
    return [
        Download(
            n, len(files[n]), summed.get(n) or sha256(files[n]), _format(n), _notes(n, descriptions), columns.get(n, ())
        )
        for n in order
    ]
