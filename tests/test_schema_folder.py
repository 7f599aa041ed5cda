"""The schema folder a build is given reaches everything that reads schemas: validation, the downloads' column
descriptions, the schemas published beside the API, and the field reference."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from builder.derive import derived
from builder.export import bundle as exports
from builder.load import loader as registry
from builder.load.schemas import Schemas
from builder.site import fieldref
from tests.conftest import ROOT

SENTINEL = "Name as its developer writes it (from the configured schema folder)."


def test_a_configured_schema_folder_is_the_one_exported_and_documented(base_registry: Path, tmp_path: Path) -> None:
    folder = tmp_path / "schema"
    shutil.copytree(ROOT / "schema", folder)
    model = json.loads((folder / "model.schema.json").read_text(encoding="utf-8"))
    model["properties"]["name"]["description"] = SENTINEL
    (folder / "model.schema.json").write_text(json.dumps(model, indent=2), encoding="utf-8")

    reg = registry.load(base_registry, Schemas(folder)).require()
    assert reg.schema_folder == folder
    reports = derived.derive_all(reg)
    files = exports.dataset_files(reg, reports, "1.0.0")
    columns = {
        f["name"]: f.get("description", "")
        for r in json.loads(files["datapackage.json"])["resources"]
        if r["name"] == "models"
        for f in r["schema"]["fields"]
    }
    assert columns["name"] == SENTINEL
    api = exports.api_files(reg, reports, "1.0.0")
    assert SENTINEL in api["schema/model.schema.json"].decode("utf-8")
    rows = {f.path: f for f in fieldref.reference(Schemas(reg.schema_folder))[0][2]}
    assert rows["name"].description == SENTINEL
