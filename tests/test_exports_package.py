"""What the dataset says about itself: Data Package metadata, column descriptions from the JSON Schemas, citation,
downloads page."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from markupsafe import escape

from builder import __version__, cli
from builder.derive import derived
from builder.export import bundle as exports
from builder.export import package as export_package
from builder.load import loader as registry
from builder.site import pages

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
TABLE_KINDS = {"hardware": "hardware", "grids": "grid", "organizations": "organization", "claims": "claim"}


@pytest.fixture
def files(base_registry: Path) -> dict[str, bytes]:
    shutil.copytree(FIXTURES / "exports", base_registry, dirs_exist_ok=True)
    reg = registry.load(base_registry).require()
    return exports.dataset_files(reg, derived.derive_all(reg), "1.2.3+abc1234")


def schema(kind: str) -> dict[str, Any]:
    text = (ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def resources(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in json.loads(files["datapackage.json"])["resources"]}


def fields(files: dict[str, bytes], table: str) -> dict[str, str]:
    return {f["name"]: f["description"] for f in resources(files)[table]["schema"]["fields"]}


def test_package_metadata_has_version_licence_and_upstream_credits(files: dict[str, bytes]) -> None:
    meta = json.loads(files["datapackage.json"])
    assert meta["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert meta["version"] == "1.2.3+abc1234"
    assert meta["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        }
    ]
    credited = {s["title"].split(",")[0]: s["license"] for s in meta["sources"]}
    assert credited == {
        "Epoch AI": "CC-BY-4.0",
        "Our World in Data and Ember": "CC-BY-4.0",
        "Green Algorithms": "CC-BY-4.0",
        "European Open Source AI Index": "CC-BY-4.0",
        "Model Openness Tool": "MIT",
        "CodeCarbon": "MIT",
        "ML CO2 Impact": "MIT",
    }
    described = {r["path"] for r in meta["resources"]}
    assert described == set(files) - {"datapackage.json", "SHA256SUMS"}
    for r in meta["resources"]:
        assert r["bytes"] == len(files[r["path"]])
        assert r["hash"] == "sha256:" + hashlib.sha256(files[r["path"]]).hexdigest()


def test_every_column_has_a_description_and_yaml_columns_take_it_from_the_json_schema(files: dict[str, bytes]) -> None:
    for name, r in resources(files).items():
        for f in r.get("schema", {}).get("fields", []):
            assert f["description"].strip(), f"{name}.{f['name']} has no description"
    model = schema("model")["properties"]
    models = fields(files, "models")
    for name, prop in model["training"]["properties"].items():
        if f"training_{name}" in models:
            assert models[f"training_{name}"].startswith(prop["description"])
    for name, prop in model["training"]["properties"]["location"]["properties"].items():
        assert models[f"training_{name}"] == prop["description"]
    for name, prop in model["openness"]["properties"].items():
        if name not in ("note", "sources"):
            assert models[f"openness_{name}"] == prop["description"]
    assert models["released"].startswith(model["released"]["description"])
    assert models["emissions_tco2e"].endswith(model["training"]["properties"]["emissions_tco2e"]["description"])
    for table, kind in TABLE_KINDS.items():
        props = schema(kind)["properties"]
        for column, description in fields(files, table).items():
            if column in props:
                assert description.startswith(props[column]["description"]), f"{table}.{column}"
    source = schema("common")["$defs"]["source"]["properties"]
    assert fields(files, "sources")["url"] == source["url"]["description"]


def test_table_schemas_declare_keys(files: dict[str, bytes]) -> None:
    found = resources(files)
    assert found["models"]["schema"]["primaryKey"] == ["id"]
    assert {fk["reference"]["resource"] for fk in found["models"]["schema"]["foreignKeys"]} == {"hardware", "grids"}
    assert found["metric_inputs"]["schema"]["foreignKeys"] == [
        {
            "fields": ["model_id", "metric"],
            "reference": {"resource": "derived_metrics", "fields": ["model_id", "metric"]},
        }
    ]
    assert found["sources"]["schema"]["primaryKey"] == ["record_type", "record_id", "id"]


def test_citation_cff_matches_the_builder() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset"
    assert str(cff["version"]) == __version__
    assert cff["license"] == export_package.LICENSE["name"]
    assert cff["title"] == export_package.TITLE
    assert cff["repository-code"] == export_package.HOMEPAGE
    assert {r["url"] for r in cff["references"]} == {c.path for c in export_package.CREDITS}
    assert {r["license"] for r in cff["references"]} == {"CC-BY-4.0", "MIT"}


def test_downloads_lists_every_file_with_size_and_checksum(files: dict[str, bytes]) -> None:
    listed = exports.downloads(files)
    assert [d.name for d in listed][:7] == [
        "start_here.csv",
        "models.csv",
        "models.json",
        "models.jsonl",
        "models.parquet",
        "registry.sqlite",
        "datapackage.json",
    ]
    start = listed[0].columns  # the column dictionary, from datapackage.json
    assert (
        "released_date",
        "date",
        "Release date when the day is known (YYYY-MM-DD); empty when only the year or month is.",
    ) in start
    assert all(not d.columns for d in listed if not d.name.endswith(".csv"))
    assert listed[-1].name == "SHA256SUMS"
    assert sorted(d.name for d in listed) == sorted(files)
    for d in listed:
        assert d.size == len(files[d.name]) and d.sha256 == hashlib.sha256(files[d.name]).hexdigest()
        assert d.notes and d.format
    assert next(d for d in listed if d.name == "grids.csv").notes.startswith("Electricity grids")


def test_downloads_page_has_files_snippets_and_citation(files: dict[str, bytes]) -> None:
    generated = pages.downloads_page(
        pages.environment(),
        lambda: exports.downloads(files),
        "1.2.3+abc1234",
        {"site_url": "https://example.org/registry"},
    )
    assert str(generated.text).startswith('---\ntitle: "Downloads"')
    page = str(generated.content)
    for name, content in files.items():
        assert f'<a href="{name}">{name}</a>' in page
        assert hashlib.sha256(content).hexdigest() in page
    assert 'pd.read_csv("https://example.org/registry/downloads/models.csv")' in page
    assert "read_csv('https://example.org/registry/downloads/models.csv'" in page
    assert "read.csv(" in page
    assert "curl -s https://example.org/registry/api/models/index.json" in page
    assert str(escape(export_package.citation_text("1.2.3+abc1234"))) in page
    assert "@misc{ai_impact_registry_1_2_3_abc1234," in page
    assert "plus <code>derived</code>" in page and "`" not in page.split("<tbody>")[1].split("</tbody>")[0]


def test_size_text() -> None:
    assert exports.Download("a", 999, "", "", "").size_text == "999 bytes"
    assert exports.Download("a", 1500, "", "", "").size_text == "1.5 kB"
    assert exports.Download("a", 2_500_000, "", "", "").size_text == "2.5 MB"


@pytest.mark.skipif("export" not in cli.COMMANDS, reason="the export command is wired into builder/cli.py separately")
def test_export_command_writes_a_valid_package(base_registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "x"
    done = subprocess.run(
        [sys.executable, "-m", "builder", "export", "--out", str(out), "--registry", str(base_registry)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "SHA256SUMS").is_file() and (out / "datapackage.json").is_file()
    assert json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["version"] == __version__
    broken = base_registry / "models" / "broken.yaml"
    broken.write_text("id: broken\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    failed = subprocess.run(
        [sys.executable, "-m", "builder", "export", "--out", str(out), "--registry", str(base_registry)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert failed.returncode == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_inference_and_lifecycle_columns_take_their_descriptions_from_the_json_schema(files: dict[str, bytes]) -> None:
    model = schema("model")["properties"]
    for table, key in (("inference_disclosures", "inference"), ("lifecycle_assessments", "lifecycle")):
        props = model[key]["items"]["properties"]
        columns = fields(files, table)
        for name, prop in props.items():
            assert columns[name].startswith(prop["description"]), f"{table}.{name}"
        assert columns["model_id"] == model["id"]["description"]
    columns = fields(files, "inference_disclosures")
    assert columns["energy_wh_per_1000_output_tokens"].endswith(
        model["inference"]["items"]["properties"]["energy_wh"]["description"]
    )
    assert "Wh per 1,000 output tokens" in fields(files, "models")["inference_energy_wh_per_1000_tokens"]
