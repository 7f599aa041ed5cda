"""The schemas themselves: valid 2020-12 documents, every property described, usable from every registry folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from builder.load.schemas import KINDS, Schemas, iter_properties

ROOT = Path(__file__).parent.parent
SCHEMA_FILES = sorted((ROOT / "schema").glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12_with_an_id(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == path.name


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_has_a_description(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    undescribed = [name for name, sub in iter_properties(document) if "description" not in sub]
    assert undescribed == []


def test_objects_reject_unknown_fields() -> None:
    def objects(node: object) -> list[dict[str, object]]:
        if isinstance(node, dict):
            found = [node] if node.get("type") == "object" and "properties" in node else []
            return found + [o for v in node.values() for o in objects(v)]
        if isinstance(node, list):
            return [o for v in node for o in objects(v)]
        return []

    for path in SCHEMA_FILES:
        for obj in objects(json.loads(path.read_text(encoding="utf-8"))):
            assert obj.get("additionalProperties") is False, (path.name, sorted(obj["properties"]))


def test_a_validator_exists_for_every_kind() -> None:
    schemas = Schemas()
    assert set(schemas.validators) == set(KINDS)


MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)


def test_modelines_in_the_registry_resolve_to_the_schema_for_their_folder() -> None:
    expected = {
        "models": "model",
        "hardware": "hardware",
        "grids": "grid",
        "organizations": "organization",
        "claims": "claim",
    }
    checked = 0
    for folder, kind in expected.items():
        for path in sorted((ROOT / "registry" / folder).glob("*.yaml")):
            match = MODELINE.search(path.read_text(encoding="utf-8"))
            if match:
                target = (path.parent / match[1]).resolve()
                assert target == (ROOT / "schema" / f"{kind}.schema.json").resolve(), path
                checked += 1
    assert checked > 0


def test_the_compiled_validator_rejects_a_bad_item_of_a_list_and_accepts_the_fixed_one() -> None:
    """The fast path answers valid or not (jsonschema lists the problems), so what it answers is all that counts."""
    import fastjsonschema

    from builder.load.yamlfile import read

    entry, _ = read(ROOT / "tests/fixtures/valid/models/plain-and-mapped-figures.yaml")
    check = Schemas().fast("model")
    check(entry)
    entry["aliases"] = ["a name", 7]
    with pytest.raises(fastjsonschema.JsonSchemaException):
        check(entry)
    entry["aliases"] = ["a name", "another"]
    check(entry)
