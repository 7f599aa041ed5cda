"""Exports: deterministic, lossless, checksummed, and written atomically so a failed export never damages the
previous one."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder import __version__
from builder.derive import derived
from builder.derive.metrics import Input, Metric
from builder.export import bundle as exports
from builder.export.tables import CELLS, Column, Table, csv_bytes
from builder.load import loader as registry
from builder.load.yamlfile import read
from builder.spreadsheet import neutral

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
KINDS = {
    "models": "models",
    "hardware": "hardware",
    "grids": "grids",
    "organizations": "organizations",
    "claims": "claims",
}


@pytest.fixture
def export_registry(base_registry: Path) -> Path:
    """The base registry plus the export fixtures: a second organization, a model with awkward text, a claim."""
    shutil.copytree(FIXTURES / "exports", base_registry, dirs_exist_ok=True)
    return base_registry


def build(root: Path, version: str = "9.9.9") -> dict[str, bytes]:
    reg = registry.load(root).require()
    return exports.dataset_files(reg, derived.derive_all(reg), version)


def leaves(value: Any, trail: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from leaves(sub, (*trail, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from leaves(sub, (*trail, i))
    else:
        yield trail, value


def at(value: Any, trail: tuple[Any, ...]) -> Any:
    for part in trail:
        value = value[part]
    return value


def test_two_exports_are_byte_identical(export_registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = build(export_registry), build(export_registry)
    assert first.keys() == second.keys()
    assert [n for n in first if first[n] != second[n]] == []
    reg = registry.load(export_registry).require()
    reports = derived.derive_all(reg)
    assert exports.api_files(reg, reports, "9.9.9") == exports.api_files(reg, reports, "9.9.9")


def test_sqlite_and_parquet_bytes_do_not_depend_on_the_process(export_registry: Path) -> None:
    """A fresh interpreter (other hash seed, other memory layout) must give the same binary files."""
    code = (
        "import hashlib, sys; from pathlib import Path; from builder.load import loader as registry; "
        "from builder.derive import derived; from builder.export import bundle as exports; "
        "reg = registry.load(Path(sys.argv[1])).require(); f = exports.dataset_files(reg, derived.derive_all(reg), "
        "'9.9.9'); "
        "print(hashlib.sha256(f['registry.sqlite']).hexdigest(), hashlib.sha256(f['models.parquet']).hexdigest())"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code, str(export_registry)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
        ).stdout
        for seed in (1, 2)
    }
    files = build(export_registry)
    assert runs == {
        f"{hashlib.sha256(files['registry.sqlite']).hexdigest()} "
        f"{hashlib.sha256(files['models.parquet']).hexdigest()}\n"
    }


def test_no_timestamp_unless_source_date_epoch(export_registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plain = build(export_registry)
    assert "created" not in json.loads(plain["datapackage.json"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = build(export_registry)
    assert json.loads(stamped["datapackage.json"])["created"] == "2023-11-14T22:13:20Z"
    assert json.loads(stamped["models.json"])["dataset"]["created"] == "2023-11-14T22:13:20Z"
    assert stamped["models.csv"] == plain["models.csv"]


@pytest.mark.parametrize("root", [FIXTURES / "base", ROOT / "registry"], ids=["base", "shipped"])
def test_models_json_holds_every_value_of_every_yaml_file(root: Path, tmp_path: Path) -> None:
    if root.name == "base":
        root = shutil.copytree(root, tmp_path / "registry")
        shutil.copytree(FIXTURES / "exports", root, dirs_exist_ok=True)
    files = build(root)
    for collection, folder in KINDS.items():
        exported = {r["id"]: r for r in json.loads(files[f"{collection}.json"])[collection]}
        paths = sorted((root / folder).glob("*.yaml")) if (root / folder).is_dir() else []
        assert sorted(exported) == sorted(p.stem for p in paths)
        for path in paths:
            data, _ = read(path)
            record = exported[path.stem]
            for trail, value in leaves(data):
                assert at(record, trail) == value, f"{path.name}: {'.'.join(map(str, trail))}"
            if collection == "models":
                assert set(record) == {*data, "derived"}
                assert {"access", "openness", "transparency", "missing"} <= set(record["derived"])
            else:
                assert record == data


def test_jsonl_holds_the_same_records_as_json(export_registry: Path) -> None:
    files = build(export_registry)
    lines = files["models.jsonl"].decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == json.loads(files["models.json"])["models"]
    assert json.loads(files["models.json"])["dataset"]["version"] == "9.9.9"


def test_sha256sums_lists_every_other_file_with_its_hash(export_registry: Path, tmp_path: Path) -> None:
    files = build(export_registry)
    listed = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode("utf-8").splitlines())
    assert sorted(listed) == sorted(set(files) - {"SHA256SUMS"})
    assert all(hashlib.sha256(files[name]).hexdigest() == digest for name, digest in listed.items())
    if shutil.which("sha256sum"):
        exports.write_export(tmp_path / "out", files)
        subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=tmp_path / "out", check=True)


def test_api_files_serve_each_record_an_index_and_the_schemas(export_registry: Path) -> None:
    reg = registry.load(export_registry).require()
    reports = derived.derive_all(reg)
    api = exports.api_files(reg, reports, "9.9.9")
    models = json.loads(build(export_registry)["models.json"])["models"]
    index = json.loads(api["api/models/index.json"])
    assert index["count"] == len(models) == 2
    assert [i["id"] for i in index["items"]] == ["example-model", "tricky-model"]
    for item in index["items"]:
        body = json.loads(api[f"api/models/{item['url']}"])
        assert body["dataset"]["version"] == "9.9.9"
        assert body["data"] == next(m for m in models if m["id"] == item["id"])
    assert json.loads(api["api/claims/tricky-claim.json"])["data"]["verdict"] == "unsupported"
    assert json.loads(api["api/organizations/index.json"])["count"] == 2
    for path in sorted((ROOT / "schema").glob("*.schema.json")):
        assert api[f"schema/{path.name}"] == path.read_bytes()
    assert set(json.loads(api["api/index.json"])["collections"]) == set(KINDS)


def test_write_export_replaces_an_earlier_export(export_registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    exports.write_export(out, {"SHA256SUMS": b"old\n", "stale.csv": b"x", "api/models/gone.json": b"{}"})
    files = build(export_registry)
    exports.write_export(out, files)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted([*files, exports.MARKER])
    assert all((out / name).read_bytes() == content for name, content in files.items())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "registry"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_write_leaves_the_previous_export_untouched(export_registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    exports.write_export(out, build(export_registry))
    before = _snapshot(out)
    with pytest.raises(OSError):
        exports.write_export(out, {"SHA256SUMS": b"", "a": b"file", "a/b.json": b"needs a folder where a file is"})
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "registry"]


def test_failed_build_leaves_the_previous_export_untouched(
    export_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    reg = registry.load(export_registry).require()
    reports = derived.derive_all(reg)
    exports.export(reg, reports, out)
    before = _snapshot(out)

    def broken(*_: Any) -> bytes:
        raise RuntimeError("parquet writer failed")

    monkeypatch.setattr(exports, "parquet_bytes", broken)
    with pytest.raises(RuntimeError, match="parquet writer failed"):
        exports.export(reg, reports, out)
    assert _snapshot(out) == before


def test_failed_swap_puts_the_previous_export_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    exports.write_export(out, {"SHA256SUMS": b"1\n", "models.csv": b"old"})
    real_rename = exports.os.rename

    def rename(src: Any, dst: Any) -> None:
        if ".new-" in str(src):
            raise OSError("disk full")
        real_rename(src, dst)

    monkeypatch.setattr(exports.os, "rename", rename)
    with pytest.raises(OSError, match="disk full"):
        exports.write_export(out, {"SHA256SUMS": b"2\n", "models.csv": b"new"})
    assert _snapshot(out) == {"SHA256SUMS": b"1\n", "models.csv": b"old", exports.MARKER: exports.MARKER_TEXT}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("name", ["../escape.csv", "/abs.csv", "a/../b.csv", "", "a//b.csv"])
def test_write_export_refuses_paths_outside_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(exports.ExportError, match="relative file name"):
        exports.write_export(tmp_path / "out", {name: b"x"})
    assert list(tmp_path.iterdir()) == []


def test_write_export_refuses_to_replace_a_folder_that_is_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("keep me", encoding="utf-8")
    with pytest.raises(exports.ExportError, match="holds no earlier export"):
        exports.write_export(tmp_path / "docs", {"SHA256SUMS": b""})
    assert (tmp_path / "docs" / "index.md").read_text(encoding="utf-8") == "keep me"


def test_dataset_version_outside_git_is_the_project_version(tmp_path: Path) -> None:
    assert exports.dataset_version(tmp_path) == __version__


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_dataset_version_names_the_commit_and_uncommitted_changes(tmp_path: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    git("init", "-q")
    (tmp_path / "a.yaml").write_text("id: a\n", encoding="utf-8")
    git("add", "a.yaml")
    git("commit", "-q", "-m", "first")
    commit = git("rev-parse", "--short", "HEAD")
    assert exports.dataset_version(tmp_path) == f"{__version__}+{commit}"
    (tmp_path / "a.yaml").write_text("id: b\n", encoding="utf-8")
    assert exports.dataset_version(tmp_path) == f"{__version__}+{commit}.dirty"


def test_a_grid_may_have_several_intensities_for_one_year(base_registry: Path, tmp_path: Path) -> None:
    """Two sources (or location- and market-based figures) for the same year are both kept."""
    import sqlite3

    from builder.derive import derived
    from builder.export import bundle as exports
    from builder.load import loader as registry

    path = base_registry / "grids" / "fr.yaml"
    second = "  - {year: 2022, g_per_kwh: 57}\n  - {year: 2022, g_per_kwh: 20, basis: market}"
    path.write_text(path.read_text().replace("  - {year: 2022, g_per_kwh: 57}", second))
    reg = registry.load(base_registry).require()
    files = exports.dataset_files(reg, derived.derive_all(reg), "test")
    db = tmp_path / "r.sqlite"
    db.write_bytes(files["registry.sqlite"])
    rows = (
        sqlite3.connect(db)
        .execute("select position, year, g_per_kwh from grid_intensity where grid_id = 'fr' order by position")
        .fetchall()
    )
    assert rows == [(0, 2022, 57.0), (1, 2022, 20.0)]


@pytest.mark.parametrize(
    "value",
    [
        {
            "b": 1,
            "a": [1.5, 1e-6, 2.5e23, -0.0, 10**18],
            "é": 'ü \u2028 \x01 "q" </script>',
            "c": {"z": None, "y": True},
        },
        {"wide": 10**39, "nested": [{"k": -(10**30)}]},  # wider than 64 bits: written by json instead
    ],
)
def test_compact_json_is_sorted_whitespace_free_utf8_that_reads_back_the_same(value: dict[str, Any]) -> None:
    written = exports.dumps_compact(value)
    assert written.endswith(b"\n") and b"\n" not in written[:-1] and b", " not in written and b": " not in written
    reread = json.loads(written)
    assert reread == value and list(reread) == sorted(reread)
    assert all(
        list(item) == sorted(item) for item in [*reread.values(), *reread.get("nested", [])] if isinstance(item, dict)
    )
    assert exports.dumps_compact({"é": "ü"}) == '{"é":"ü"}\n'.encode()  # UTF-8, not escaped to ASCII


def test_a_figure_that_is_not_a_number_is_refused_rather_than_written_as_unknown() -> None:
    bad = Metric("energy_mwh", float("nan"), 1.0, 2.0, "MWh", "estimated", "p", "f")
    with pytest.raises(ValueError, match="energy_mwh: a derived figure is not a finite number"):
        bad.as_dict()
    with pytest.raises(ValueError, match="pue"):
        Input("pue", 1.2, 1.0, float("inf"), "ratio", "assumption").as_dict()


CELL_VALUES = {
    "string": st.one_of(
        st.none(),
        st.text(),
        st.sampled_from(
            [
                "",
                ",",
                '"',
                "a\r\nb",
                "\n",
                "a\rb",
                "x,y",
                'say "hi"',
                " lead",
                "é–’",
                "=1+1",
                "-2",
                "+x",
                "@SUM(A1)",
                "-",
                "=a,b",
            ]
        ),
    ),
    "number": st.one_of(
        st.none(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(10**40), 10**40),
        st.sampled_from([1, 1.0, 0.5, -0.5, 0, 0.0, -0.0, 1e-6, 2.5e23]),
    ),
    "integer": st.one_of(st.none(), st.integers(-(10**40), 10**40)),
    "boolean": st.one_of(st.none(), st.booleans()),
}


@st.composite
def tables(draw: st.DrawFn) -> Table:
    types = draw(st.lists(st.sampled_from(sorted(CELL_VALUES)), min_size=1, max_size=4))
    rows = draw(st.lists(st.tuples(*(CELL_VALUES[t] for t in types)), max_size=6))
    columns = tuple(Column(f"c{i}", t, "") for i, t in enumerate(types))
    return Table("t", "T", "", columns, ("c0",), tuple(rows))


@settings(max_examples=300, deadline=None)
@given(tables())
@example(
    Table(
        "t",
        "T",
        "",
        (Column("n", "number", ""), Column("s", "string", "")),
        ("n",),
        ((1.0, "a,b"), (1, "a,b"), (0.0, None), (-0.0, ""), (0.5, '"'), (0.5, '"'), (True, "x")),
    )
)  # equal values, other cells
def test_csv_is_what_the_csv_module_writes(table: Table) -> None:
    """Quoting, empty (unknown) cells, a lone empty cell, true/false, integers and floats: byte for byte the csv
    module's output."""
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    convert = [CELLS.get(c.type) for c in table.columns]
    cells = [[v if f is None else f(v) for f, v in zip(convert, row, strict=True)] for row in table.rows]
    writer.writerows([[neutral(v) if isinstance(v, str) else v for v in row] for row in cells])
    assert csv_bytes(table) == expected.getvalue().encode("utf-8")


def test_csv_exports_carry_the_scope_of_training_figures(base_registry: Path) -> None:
    """A fine-tune whose imported compute includes its base model's pretraining says so in the downloads, as on its
    page."""
    path = base_registry / "models" / "example-model.yaml"
    figure = "{value: 5.0e+20, provenance: third-party-estimate, scope: with-base-model}"
    path.write_text(
        path.read_text().replace(
            "  tokens: 2.0e+10\n", f"  tokens: 2.0e+10\n  compute_flop: {figure}\n  scope: fine-tune-only\n"
        )
    )
    files = build(base_registry)
    model = next(r for r in csv.DictReader(io.StringIO(files["models.csv"].decode())) if r["id"] == "example-model")
    assert model["training_scope"] == "fine-tune-only"
    metrics = {
        r["metric"]: r
        for r in csv.DictReader(io.StringIO(files["derived_metrics.csv"].decode()))
        if r["model_id"] == "example-model"
    }
    assert metrics["compute_flop"]["scope"] == "with-base-model"
    assert metrics["accelerator_hours"]["scope"] == ""


def test_openness_only_records_are_flagged_in_every_model_export(export_registry: Path) -> None:
    listed = (
        "id: listed-only\nname: Listed Only\nopenness:\n  weights: {value: unknown, source: s}\n"
        "sources: [{id: s, title: S, url: 'https://example.org'}]\n"
    )
    (export_registry / "models" / "listed-only.yaml").write_text(listed, encoding="utf-8")
    files = build(export_registry)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(files["models.csv"].decode("utf-8")))}
    assert rows["listed-only"]["openness_only"] == "true" and rows["example-model"]["openness_only"] == "false"
    records = {r["id"]: r for r in json.loads(files["models.json"])["models"]}
    assert records["listed-only"]["derived"]["openness_only"] is True
    assert records["example-model"]["derived"]["openness_only"] is False
    package = json.loads(files["datapackage.json"])
    models = next(r for r in package["resources"] if r["name"] == "models")
    field = next(f for f in models["schema"]["fields"] if f["name"] == "openness_only")
    assert field["type"] == "boolean" and "openness data only" in field["description"]
