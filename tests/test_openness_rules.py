"""Openness contradictions (builder/openness_rules.py) read the rules and licence classes of registry/openness.yaml."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from builder.load import openness_rules
from builder.load.yamlfile import read

TABLE_PATH = Path(__file__).parent.parent / "registry" / "openness.yaml"


@pytest.fixture(scope="module")
def table() -> Mapping[str, Any]:
    data, _ = read(TABLE_PATH)
    assert isinstance(data, dict)
    return data


def model(weights: str | None, licence: str | None = None, checkpoints: str | None = None) -> dict[str, Any]:
    openness: dict[str, Any] = {}
    if weights:
        openness["weights"] = {"value": weights, "source": "s"}
    if checkpoints:
        openness["checkpoints"] = checkpoints
    if licence:
        openness["weights_license"] = licence
    return {"openness": openness}


def codes(found: Mapping[str, list[Any]]) -> dict[str, list[str]]:
    return {path: [p.code for p in problems] for path, problems in found.items()}


@pytest.mark.parametrize(
    "weights, licence, expected",
    [
        ("restricted", "Apache-2.0", ["openness-osi-open-weights"]),
        ("open", "LicenseRef-Llama-2-Community-License", ["openness-use-restricted-weights"]),
        ("open", "CC-BY-NC-4.0", ["openness-non-commercial-weights"]),
        ("open", "LicenseRef-proprietary", ["openness-proprietary-weights"]),
        ("gated", "Apache-2.0", []),
        ("gated", "LicenseRef-Llama-3.1-Community-License", []),
        ("restricted", "LicenseRef-Gemma", []),
        ("open", "MIT OR LicenseRef-Llama-2-Community-License", []),
    ],
)
def test_weights_against_their_licence_class(
    table: Mapping[str, Any], weights: str, licence: str, expected: list[str]
) -> None:
    found = openness_rules.check([("m.yaml", model(weights, licence))], table)
    assert codes(found).get("m.yaml", []) == expected


def test_messages_name_the_rule_and_the_fix(table: Mapping[str, Any]) -> None:
    found = openness_rules.check(
        [("a.yaml", model("open", "LicenseRef-Qwen")), ("b.yaml", model("unreleased", checkpoints="released"))], table
    )
    (licence,) = found["a.yaml"]
    assert (
        "rule openness-use-restricted-weights" in licence.message
        and "Fix: set weights to restricted" in licence.message
    )
    assert licence.pointer == ("openness", "weights", "value")
    (checkpoints,) = found["b.yaml"]
    assert (
        checkpoints.code == "openness-checkpoints-closed" and "Fix: set checkpoints to unknown" in checkpoints.message
    )
    assert checkpoints.pointer == ("openness", "checkpoints")


@pytest.mark.parametrize("weights", ["api-only", "hosted-only", "unreleased"])
def test_released_checkpoints_need_weights_someone_can_have(table: Mapping[str, Any], weights: str) -> None:
    assert codes(openness_rules.check([("m.yaml", model(weights, checkpoints="released"))], table)) == {
        "m.yaml": ["openness-checkpoints-closed"]
    }
    assert openness_rules.check([("m.yaml", model("open", checkpoints="released"))], table) == {}
    assert openness_rules.check([("m.yaml", model(weights, checkpoints="undisclosed"))], table) == {}


def test_a_licence_no_class_lists_flags_the_minority_status(table: Mapping[str, Any]) -> None:
    house = "LicenseRef-House"
    found = openness_rules.check(
        [
            ("a.yaml", model("restricted", house)),
            ("b.yaml", model("restricted", house)),
            ("c.yaml", model("open", house)),
            ("d.yaml", model("gated", house)),
        ],
        table,
    )
    assert codes(found) == {"c.yaml": ["openness-licence-mixed"]}, "gated says how weights are reached: it may differ"
    assert "'restricted' on a, b" in found["c.yaml"][0].message
    tied = openness_rules.check(
        [("a.yaml", model("restricted", house)), ("c.yaml", model("open", house.lower()))], table
    )
    assert codes(tied) == {"a.yaml": ["openness-licence-mixed"], "c.yaml": ["openness-licence-mixed"]}


def test_the_rules_come_from_the_table(table: Mapping[str, Any]) -> None:
    loose = copy.deepcopy(dict(table))
    for cls in loose["license_classes"]:
        cls.pop("weights_contradicts", None)
    del loose["consistency"]
    records = [
        ("a.yaml", model("open", "LicenseRef-Gemma", checkpoints="released")),
        ("b.yaml", model("api-only", checkpoints="released")),
    ]
    assert openness_rules.check(records, loose) == {}
    assert set(openness_rules.check(records, table)) == {"a.yaml", "b.yaml"}


def test_the_methodology_page_lists_each_rule_from_the_table(base_registry: Path) -> None:
    from builder.load import loader as registry
    from builder.site import pages

    generated = {g.path: g.content for g in pages.generate(registry.load(base_registry).require())}
    page = str(generated["methodology.md"])
    for code in (
        "openness-checkpoints-closed",
        "openness-osi-open-weights",
        "openness-use-restricted-weights",
        "openness-non-commercial-weights",
        "openness-proprietary-weights",
        "openness-licence-mixed",
    ):
        assert f"<code>{code}</code>" in page
    assert "weights open under a licence of the class use-restricted" in page
    assert 'id="listing-versus-release"' in page and 'id="openness-coverage"' in page
