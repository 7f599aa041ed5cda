"""Each export format loads in the tools people use, with the declared types: csv module, pyarrow, DuckDB, SQLite,
Frictionless."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from frictionless import validate

from builder.derive import derived
from builder.export import bundle as exports
from builder.export.tables import Column, _in_order, _rows
from builder.load import loader as registry

FIXTURES = Path(__file__).parent / "fixtures"
ARROW = {
    "string": pa.string(),
    "number": pa.float64(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}
DUCKDB = {"string": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}


@pytest.fixture
def exported(base_registry: Path, tmp_path: Path) -> Path:
    """The base registry plus the export fixtures, exported to a folder."""
    shutil.copytree(FIXTURES / "exports", base_registry, dirs_exist_ok=True)
    reg = registry.load(base_registry).require()
    out = tmp_path / "out"
    exports.export(reg, derived.derive_all(reg), out)
    return out


def package(out: Path) -> dict[str, Any]:
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def tabular(out: Path) -> list[dict[str, Any]]:
    return [r for r in package(out)["resources"] if r.get("type") == "table"]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, strict=True))


def test_models_csv_round_trips_with_the_csv_module(exported: Path) -> None:
    raw = (exported / "models.csv").read_bytes()
    assert raw.endswith(b"\r\n") and not raw.startswith(b"\xef\xbb\xbf")
    rows = {r["id"]: r for r in csv_rows(exported / "models.csv")}
    models = {m["id"]: m for m in json.loads((exported / "models.json").read_text(encoding="utf-8"))["models"]}
    assert sorted(rows) == sorted(models) == ["example-model", "tricky-model"]
    tricky, source = rows["tricky-model"], models["tricky-model"]
    assert tricky["name"] == source["name"] == 'Tricky, "Quoted" Modèle'
    assert tricky["description"] == source["description"]
    assert tricky["note"] == source["note"]
    assert tricky["organizations"].split("; ") == source["organization"]
    assert tricky["aliases"].split("; ") == source["aliases"]
    assert tricky["access_providers"] == "Example Cloud; Other, Inc."
    assert tricky["access_unavailable_in"] == "CN; RU"
    assert tricky["access_free_tier"] == "true"
    assert (
        tricky["released"] == "2023"
        and tricky["training_started"] == "2022-11-03"
        and tricky["training_ended"] == "2023-01"
    )
    assert int(tricky["training_accelerator_count"]) == 64
    assert float(tricky["parameters"]) == 7.0e9
    assert tricky["training_pue"] == ""
    for row in rows.values():
        d = models[row["id"]]["derived"]
        for name in ("compute_flop", "energy_mwh", "emissions_tco2e"):
            if name in d:
                assert float(row[name]) == d[name]["value"]
                assert float(row[f"{name}_low"]) == d[name]["low"] and float(row[f"{name}_high"]) == d[name]["high"]
                assert row[f"{name}_method"] == d[name]["method"]
            else:
                assert row[name] == row[f"{name}_method"] == ""
    assert rows["example-model"]["emissions_tco2e_method"] == "reported"
    assert rows["tricky-model"]["emissions_tco2e_method"] == "estimated"


def test_every_csv_loads_in_pyarrow_with_the_declared_types(exported: Path) -> None:
    for resource in tabular(exported):
        fields = resource["schema"]["fields"]
        types = {f["name"]: ARROW[f["type"]] for f in fields}
        table = pacsv.read_csv(
            exported / resource["path"],
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[""],
                strings_can_be_null=True,
                true_values=["true"],
                false_values=["false"],
            ),
        )
        assert table.column_names == [f["name"] for f in fields]
        assert table.num_rows == len(csv_rows(exported / resource["path"]))
        assert all(table.schema.field(n).type == t for n, t in types.items())


def test_models_parquet_equals_models_csv_read_with_declared_types(exported: Path) -> None:
    parquet = pq.read_table(exported / "models.parquet")
    fields = next(r for r in tabular(exported) if r["name"] == "models")["schema"]["fields"]
    from_csv = pacsv.read_csv(
        exported / "models.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={f["name"]: ARROW[f["type"]] for f in fields}, null_values=[""], strings_can_be_null=True
        ),
    )
    assert parquet.schema.remove_metadata() == from_csv.schema.remove_metadata()
    assert parquet.equals(from_csv)
    assert parquet.schema.field("emissions_tco2e").metadata[b"description"].decode() == next(
        f["description"] for f in fields if f["name"] == "emissions_tco2e"
    )
    assert parquet.schema.metadata[b"license"] == b"CC-BY-4.0"


def test_every_csv_loads_in_duckdb_with_the_declared_types(exported: Path) -> None:
    con = duckdb.connect()
    for resource in tabular(exported):
        columns = {f["name"]: DUCKDB[f["type"]] for f in resource["schema"]["fields"]}
        path = str(exported / resource["path"])
        relation = con.read_csv(path, header=True, columns=columns, quotechar='"', escapechar='"', null_padding=False)
        assert relation.columns == list(columns)
        assert [str(t) for t in relation.types] == list(columns.values())
        assert len(relation.fetchall()) == len(csv_rows(exported / resource["path"]))
    models = next(r for r in tabular(exported) if r["name"] == "models")
    columns = {f["name"]: DUCKDB[f["type"]] for f in models["schema"]["fields"]}
    got = con.read_csv(str(exported / "models.csv"), header=True, columns=columns).order("id")
    assert got.select("id, training_accelerator_count, access_free_tier, emissions_tco2e_method").fetchall() == [
        ("example-model", 8, None, "reported"),
        ("tricky-model", 64, True, "estimated"),
    ]
    typed = con.sql(
        f"SELECT id, training_accelerator_count, access_free_tier FROM '{exported / 'models.parquet'}' ORDER BY id"
    ).fetchall()
    assert typed == [("example-model", 8, None), ("tricky-model", 64, True)]


def test_sqlite_has_every_table_with_keys_and_intact_foreign_keys(exported: Path) -> None:
    con = sqlite3.connect(exported / "registry.sqlite")
    con.execute("PRAGMA foreign_keys = ON")
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {r["name"] for r in tabular(exported)} | {"_metadata", "_columns"} == tables
    for resource in tabular(exported):
        count = con.execute(f'SELECT count(*) FROM "{resource["name"]}"').fetchone()[0]
        assert count == len(csv_rows(exported / resource["path"]))
        declared = [(fk["fields"], fk["reference"]["resource"]) for fk in resource["schema"].get("foreignKeys", [])]
        found: dict[int, tuple[list[str], str]] = {}
        for fk in con.execute(f'PRAGMA foreign_key_list("{resource["name"]}")'):
            found.setdefault(fk[0], ([], fk[2]))[0].append(fk[3])
        assert sorted(found.values()) == sorted(declared)
    assert con.execute("SELECT count(*) FROM model_organizations WHERE model_id = 'tricky-model'").fetchone()[0] == 2
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO model_organizations VALUES ('tricky-model', 'no-such-lab')")
    assert dict(con.execute("SELECT key, value FROM _metadata"))["version"] == package(exported)["version"]
    described = con.execute(
        "SELECT description FROM _columns WHERE table_name = 'models' AND column_name = 'training_tokens'"
    ).fetchone()
    assert described == ("Training tokens seen (dataset size times epochs), in tokens.",)
    row = con.execute(
        "SELECT emissions_tco2e, emissions_tco2e_method FROM models WHERE id = 'example-model'"
    ).fetchone()
    assert row == (0.02, "reported")
    free = con.execute(
        "SELECT id, access_free_tier, typeof(access_free_tier), typeof(training_grid) FROM models ORDER BY id"
    ).fetchall()
    assert free == [
        ("example-model", None, "null", "text"),
        ("tricky-model", 1, "integer", "null"),
    ]  # unknown is NULL, never 0


def test_frictionless_validates_the_package(exported: Path) -> None:
    report = validate(exported / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == len(package(exported)["resources"])


def test_frictionless_catches_a_broken_foreign_key_and_a_changed_file(exported: Path) -> None:
    """The package declares keys and hashes that a validator checks: break each and it must fail."""
    models = exported / "models.csv"
    text = models.read_text(encoding="utf-8").replace(",example-gpu,", ",no-such-gpu,", 1)
    models.write_bytes(text.encode("utf-8"))
    meta = package(exported)
    resource = next(r for r in meta["resources"] if r["name"] == "models")
    resource["bytes"] = models.stat().st_size
    resource["hash"] = "sha256:" + exports.sha256(models.read_bytes())
    (exported / "claims.json").write_bytes(b'{"changed": true}\n')
    (exported / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    report = validate(exported / "datapackage.json")
    errors = {e[0] for e in report.flatten(["type"])}
    assert "foreign-key" in errors
    assert {"hash-count", "byte-count"} & errors


def test_csv_files_are_rfc4180_utf8(exported: Path) -> None:
    for resource in tabular(exported):
        raw = (exported / resource["path"]).read_bytes()
        text = raw.decode("utf-8")
        header = next(csv.reader(io.StringIO(text, newline="")))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert text.endswith("\r\n")


def test_inference_and_lifecycle_tables_are_typed_and_keyed_to_models(exported: Path) -> None:
    found = {r["name"]: r for r in tabular(exported)}
    for name in ("inference_disclosures", "lifecycle_assessments"):
        schema = found[name]["schema"]
        assert schema["primaryKey"] == ["model_id", "position"]
        assert schema["foreignKeys"] == [
            {"fields": ["model_id"], "reference": {"resource": "models", "fields": ["id"]}}
        ]
    types = {f["name"]: f["type"] for f in found["inference_disclosures"]["schema"]["fields"]}
    assert (
        types["position"] == "integer" and types["energy_wh"] == types["energy_wh_per_1000_output_tokens"] == "number"
    )
    con = sqlite3.connect(exported / "registry.sqlite")
    con.execute("PRAGMA foreign_keys = ON")
    rows = con.execute(
        "SELECT position, kind, queries, energy_wh, energy_wh_per_query, energy_wh_per_1000_output_tokens, "
        "emissions_g_per_1000_output_tokens, water_ml_per_query, water_ml_per_1000_output_tokens, accounting, scope "
        "FROM inference_disclosures WHERE model_id = 'tricky-model' ORDER BY position"
    ).fetchall()
    assert rows == [
        (1, "measured", 1.0, 2.5, 2.5, 5.0, 1.5, None, None, "location", "accelerators; host; cooling"),
        (2, "vendor-statement", 1000.0, None, None, None, None, 0.32, None, "market", "accelerators"),
    ]
    with pytest.raises(sqlite3.IntegrityError):
        con.execute(
            "INSERT INTO inference_disclosures (model_id, position, query, kind) VALUES ('no-such-model', 1, 'q', "
            "'measured')"
        )
    lifecycle = con.execute(
        "SELECT boundary, emissions_tco2e, water_m3, abiotic_depletion_kg_sb_eq, methodology FROM lifecycle_assessments"
    ).fetchall()
    assert lifecycle == [
        ("training; inference; accelerators; embodied-hardware", 120.0, 900.0, None, 'ISO 14040/44, "screening" LCA')
    ]
    csv_row = csv_rows(exported / "inference_disclosures.csv")[1]
    assert (
        csv_row["energy_wh"] == "" and csv_row["note"] == "A figure stated in a talk, with no method; ä 中文"
    )  # unknown is empty, never 0


def test_models_csv_has_water_and_the_inference_estimate_with_range_and_method(exported: Path) -> None:
    rows = {r["id"]: r for r in csv_rows(exported / "models.csv")}
    for name in ("water_m3", "inference_energy_wh_per_1000_tokens", "break_even_queries"):
        for suffix in ("", "_low", "_high", "_method", "_path"):
            assert f"{name}{suffix}" in rows["tricky-model"]
    tricky = rows["tricky-model"]
    assert tricky["inference_energy_wh_per_1000_tokens_method"] == "estimated"
    assert (
        float(tricky["inference_energy_wh_per_1000_tokens_low"])
        < float(tricky["inference_energy_wh_per_1000_tokens"])
        < float(tricky["inference_energy_wh_per_1000_tokens_high"])
    )
    assert tricky["break_even_queries_method"] == "estimated" and rows["example-model"]["break_even_queries"] == ""
    metrics = {(r["model_id"], r["metric"]) for r in csv_rows(exported / "derived_metrics.csv")}
    assert ("tricky-model", "inference_energy_wh_per_1000_tokens") in metrics and (
        "tricky-model",
        "break_even_queries",
    ) in metrics
    inputs = [r for r in csv_rows(exported / "metric_inputs.csv") if r["metric"] == "break_even_queries"]
    assert [r["name"] for r in inputs] == ["emissions_tco2e", "emissions_g_per_query"]
    assert inputs[1]["origin"] == "measured" and inputs[1]["ref"] == 'one response, "short", of 500 tokens'


@pytest.mark.parametrize("with_empty_key", [False, True])
def test_table_rows_are_in_primary_key_order_with_empty_key_cells_first(with_empty_key: bool) -> None:
    columns = [Column("a", "string", ""), Column("b", "integer", ""), Column("c", "string", "")]
    rows = [
        {"a": "y", "b": 2, "c": "1"},
        {"a": "x", "b": 10, "c": "2"},
        {"a": "y", "b": 1, "c": "3"},
        {"a": "x", "b": 9, "c": "4"},
    ]
    if with_empty_key:
        rows.append({"a": "y", "b": None, "c": "5"})
    ordered = [row[2] for row in _rows(columns, rows, ["a", "b"])]
    assert ordered == (["4", "2", "5", "3", "1"] if with_empty_key else ["4", "2", "3", "1"])


def test_rows_made_as_tuples_must_name_the_columns_in_order() -> None:
    columns = [Column("a", "string", ""), Column("b", "string", "")]
    assert _in_order(columns, ("a", "b"), [("y", "1"), ("x", "2")], ["a"]) == (("x", "2"), ("y", "1"))
    with pytest.raises(ValueError, match="cells differ from columns"):
        _in_order(columns, ("b", "a"), [("1", "y")], ["a"])


def test_method_and_provenance_columns_tell_whose_figure_it_is(base_registry: Path, tmp_path: Path) -> None:
    """A third party's compute estimate is exported as such, with its confidence; a leaked parameter count says so
    too."""
    path = base_registry / "models" / "example-model.yaml"
    text = path.read_text().replace(
        "  tokens: 2.0e+10\n",
        "  tokens: 2.0e+10\n  compute_flop: {value: 1.0e+20, source: paper, "
        "provenance: third-party-estimate, confidence: Likely}\n  utilization: {value: 0.4, estimated: true}\n",
    )
    path.write_text(
        text.replace(
            "parameters: {value: 1.0e+9, source: paper}",
            "parameters: {value: 1.0e+9, source: paper, provenance: third-party-estimate}",
        )
    )
    reg = registry.load(base_registry).require()
    out = tmp_path / "out"
    exports.export(reg, derived.derive_all(reg), out)
    row = csv_rows(out / "models.csv")[0]
    assert (row["compute_flop_method"], row["emissions_tco2e_method"], row["energy_mwh_method"]) == (
        "third-party-estimate",
        "reported",
        "estimated",
    )
    assert (
        row["parameters_provenance"],
        row["training_compute_flop_provenance"],
        row["training_utilization_provenance"],
        row["training_pue_provenance"],
        row["training_energy_mwh_provenance"],
    ) == ("third-party-estimate", "third-party-estimate", "reported-estimate", "reported", "")
    metrics = {r["metric"]: r for r in csv_rows(out / "derived_metrics.csv") if r["model_id"] == "example-model"}
    assert (metrics["compute_flop"]["method"], metrics["compute_flop"]["confidence"]) == (
        "third-party-estimate",
        "Likely",
    )
    assert metrics["emissions_tco2e"]["confidence"] == ""
    fields = {f["name"]: f["description"] for r in tabular(out) if r["name"] == "models" for f in r["schema"]["fields"]}
    for method in ("reported:", "reported-estimate:", "third-party-estimate:", "estimated:"):
        assert method in fields["compute_flop_method"]
    assert (
        "third-party-estimate:" in fields["parameters_provenance"]
        and "estimated:" not in fields["parameters_provenance"]
    )


def test_start_here_has_the_best_figure_of_each_headline_metric_with_range_and_method(exported: Path) -> None:
    rows = {r["id"]: r for r in csv_rows(exported / "start_here.csv")}
    models = {m["id"]: m for m in json.loads((exported / "models.json").read_text(encoding="utf-8"))["models"]}
    assert set(rows) == set(models)
    header = next(iter(rows.values())).keys()
    assert 18 <= len(header) <= 24 and "released_date" in header
    for model_id, row in rows.items():
        d = models[model_id]["derived"]
        for name, column in (
            ("compute_flop", "training_compute_flop"),
            ("energy_mwh", "energy_mwh"),
            ("emissions_tco2e", "emissions_tco2e"),
        ):
            if name in d:
                assert float(row[column]) == d[name]["value"] and row[f"{column}_method"] == d[name]["method"]
                assert float(row[f"{column}_low"]) <= float(row[column]) <= float(row[f"{column}_high"])
            else:
                assert row[column] == row[f"{column}_method"] == ""  # unknown stays empty, never 0
        released = models[model_id].get("released") or ""
        assert row["released_date"] == (released if len(released) == 10 else "")
