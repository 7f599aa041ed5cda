"""Openness scores of small hand-made models against the real table, with every expected number worked out by hand."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from builder.derive.openness import FieldScore, LicenceFinding, OpennessScore, license_class, osi_approved, score
from builder.load import loader as registry
from builder.load.schemas import Schemas
from builder.load.yamlfile import read
from builder.records import construct
from builder.records.types import Model

ROOT = Path(__file__).parent.parent
TABLE_PATH = ROOT / "registry" / "openness.yaml"

ALL_OPEN = {
    "weights": "open",
    "checkpoints": "released",
    "training_code": "released",
    "inference_code": "released",
    "training_data": "released",
    "model_card": "released",
    "datasheet": "released",
    "technical_report": "released",
    "paper": "released",
}
UNTRACKED = ("Evaluation results", "Evaluation code", "Evaluation data", "Data preprocessing code")


@pytest.fixture(scope="module")
def table() -> Mapping[str, Any]:
    """The real scoring table, read as the registry reads it."""
    data, _ = read(TABLE_PATH)
    assert isinstance(data, dict)
    return data


def make(openness: Mapping[str, Any] | None, **licences: str) -> Model:
    """A minimal model record with the given openness statuses and licences, built by the registry's own constructor."""
    data: dict[str, Any] = {
        "id": "hand-made",
        "name": "Hand-made model",
        "sources": [{"id": "s", "title": "Test source", "url": "https://example.org/s"}],
    }
    if openness is not None or licences:
        data["openness"] = {**(openness or {}), **licences}
    return construct.model(data, "models/hand-made.yaml")


def test_all_open_apache_model_scores_100_and_reaches_mof_class_i(table: Mapping[str, Any]) -> None:
    result = score(
        make(ALL_OPEN, weights_license="Apache-2.0", code_license="Apache-2.0", data_license="Apache-2.0"), table
    )
    assert result.score == pytest.approx(100.0)
    assert result.uncapped == pytest.approx(100.0)
    assert result.coverage == pytest.approx(1.0)
    assert result.counted == tuple(ALL_OPEN)
    assert result.license_class == "osi-open"
    assert result.cap == 100
    assert result.mof_class == "I"
    assert result.mof_next is None
    assert result.mof_missing == ()
    assert result.mof_unassessed == UNTRACKED
    assert result.osaid_met is True
    assert result.osaid_reasons == ()
    assert result.table_version == 2
    assert [f.weight for f in result.breakdown] == [1.0] * 9
    assert result.breakdown[0].sources == ("s",)


def test_unknown_fields_count_as_closed_and_lower_coverage(table: Mapping[str, Any]) -> None:
    known = {"weights": "open", "training_code": "released", "model_card": "partial"}
    with_unknowns = score(make({**known, "training_data": "unknown", "paper": "unknown"}), table)
    # (1 + 1 + 0.5 + 6 x 0) / 9 status fields = 27.77...; 3 of the 9 status fields are known.
    assert with_unknowns.uncapped == pytest.approx(250 / 9)
    assert with_unknowns.score == pytest.approx(250 / 9)
    assert with_unknowns.coverage == pytest.approx(3 / 9)
    assert with_unknowns.counted == ("weights", "training_code", "model_card")
    assert {f.field: f.weight for f in with_unknowns.breakdown} == {
        "weights": 1.0,
        "training_code": 1.0,
        "training_data": None,
        "model_card": 0.5,
        "paper": None,
    }
    assert with_unknowns.score == score(make(known), table).score


def test_closed_statuses_count_as_zero(table: Mapping[str, Any]) -> None:
    result = score(
        make({"weights": "api-only", "training_data": "undisclosed", "model_card": "released", "paper": "documented"}),
        table,
    )
    # (0 + 0 + 1 + 0.5) / 9 = 16.67 (the five unrecorded fields count as closed)
    assert result.score == pytest.approx(150 / 9)
    assert result.coverage == pytest.approx(4 / 9)
    assert result.cap is None


def test_non_commercial_licence_caps_the_score(table: Mapping[str, Any]) -> None:
    result = score(make(ALL_OPEN, weights_license="CC-BY-NC-4.0", code_license="Apache-2.0"), table)
    assert result.uncapped == pytest.approx(100.0)
    assert result.license_class == "non-commercial"
    assert result.cap == 50
    assert result.score == pytest.approx(50.0)
    assert result.mof_class is None
    assert result.mof_next == "III"
    assert result.mof_missing == ("Model parameters (Final)",)
    assert result.osaid_met is False
    assert result.osaid_reasons == ("Parameters: weights_license CC-BY-NC-4.0 is non-commercial (needs osi-open)",)


def test_the_most_restrictive_licence_sets_the_cap(table: Mapping[str, Any]) -> None:
    result = score(
        make(
            ALL_OPEN,
            weights_license="LicenseRef-Llama-3.1-Community-License",
            code_license="MIT",
            data_license="CC-BY-NC-SA-4.0",
        ),
        table,
    )
    assert [(f.field, f.license_class) for f in result.licenses] == [
        ("weights_license", "use-restricted"),
        ("code_license", "osi-open"),
        ("data_license", "non-commercial"),
    ]
    assert result.license_class == "non-commercial"
    assert result.score == pytest.approx(50.0)


def test_a_cap_never_raises_a_lower_score(table: Mapping[str, Any]) -> None:
    result = score(
        make({"weights": "restricted", "training_data": "undisclosed"}, weights_license="BigScience-BLOOM-RAIL-1.0"),
        table,
    )
    # (0.5 + 0) / 9 = 5.56, below the use-restricted cap of 70.
    assert result.cap == 70
    assert result.score == pytest.approx(50 / 9)


def test_export_form_is_plain_json_with_the_same_names(table: Mapping[str, Any]) -> None:
    result = score(make({"weights": "open", "paper": "unknown"}, weights_license="MIT"), table)
    exported = result.as_dict()
    assert json.loads(json.dumps(exported)) == exported
    assert exported["score"] == pytest.approx(100 / 9)
    assert exported["counted"] == ["weights"]
    assert exported["breakdown"] == [
        {"field": "weights", "value": "open", "weight": 1.0, "sources": ["s"]},
        {"field": "paper", "value": "unknown", "weight": None, "sources": ["s"]},
    ]
    assert exported["licenses"] == [
        {"field": "weights_license", "license": "MIT", "license_class": "osi-open", "sources": ["s"]}
    ]
    assert exported["mof_class"] is None and exported["mof_next"] == "III"
    assert list(exported) == [
        f.name for f in dataclasses.fields(OpennessScore)
    ]  # every field, by its own name, in order
    for item, kind in ((exported["breakdown"][0], FieldScore), (exported["licenses"][0], LicenceFinding)):
        assert list(item) == [f.name for f in dataclasses.fields(kind)]


def test_a_model_with_little_known_never_outranks_a_documented_one(table: Mapping[str, Any]) -> None:
    sparse = score(make({"weights": "open"}), table)
    documented = score(make({**ALL_OPEN, "training_data": "partial", "datasheet": "undisclosed"}), table)
    # one open field of nine = 11.1; eight of nine fields known, 7.5 of them open = 83.3
    assert sparse.score == pytest.approx(100 / 9) and documented.score == pytest.approx(750 / 9)
    assert (sparse.coverage, documented.coverage) == (pytest.approx(1 / 9), pytest.approx(1.0))
    assert sparse.score < documented.score


def test_without_the_unknown_rule_unknown_fields_are_left_out(table: Mapping[str, Any]) -> None:
    older = {k: v for k, v in table.items() if k != "unknown_counts_as"}
    assert score(make({"weights": "open", "model_card": "partial", "paper": "unknown"}), older).score == pytest.approx(
        75.0
    )


def test_model_with_no_openness_has_no_score_and_zero_coverage(table: Mapping[str, Any]) -> None:
    result = score(make(None), table)
    assert result.score is None
    assert result.uncapped is None
    assert result.coverage == 0
    assert result.counted == ()
    assert result.breakdown == ()
    assert result.license_class is None
    assert result.cap is None
    assert result.mof_class is None
    assert result.mof_missing == (
        "Model architecture",
        "Model parameters (Final)",
        "Technical report",
        "Model card",
        "Data card",
    )
    assert result.osaid_met is False
    assert len(result.osaid_reasons) == 6


def test_only_unknown_statuses_give_no_score(table: Mapping[str, Any]) -> None:
    result = score(make({"weights": "unknown", "paper": "unknown"}), table)
    assert result.score is None
    assert result.coverage == 0


def test_unclassified_licence_is_reported_and_does_not_cap(table: Mapping[str, Any]) -> None:
    result = score(make({"weights": "open"}, weights_license="LicenseRef-not-in-the-table"), table)
    assert result.unclassified_licenses == ("LicenseRef-not-in-the-table",)
    assert result.license_class is None
    assert result.cap is None
    assert result.score == pytest.approx(100 / 9)
    assert (
        "Parameters: weights_license LicenseRef-not-in-the-table is not classified in the openness table"
        in result.osaid_reasons
    )


def test_osaid_code_needs_an_osi_approved_licence_not_only_an_open_data_one(table: Mapping[str, Any]) -> None:
    result = score(make(ALL_OPEN, weights_license="Apache-2.0", code_license="CC0-1.0"), table)
    assert result.license_class == "osi-open"
    assert result.osaid_reasons == ("Code: code_license CC0-1.0 is not OSI-approved",)
    assert result.mof_next == "III"
    assert result.mof_missing == ("Model architecture",)


def test_documented_training_data_meets_data_information_but_not_mof_datasets(table: Mapping[str, Any]) -> None:
    result = score(make({**ALL_OPEN, "training_data": "documented"}, weights_license="MIT", code_license="MIT"), table)
    assert result.osaid_met is True
    assert result.mof_class == "II"
    assert result.mof_next == "I"
    assert result.mof_missing == ("Datasets",)


def test_gated_weights_with_open_code_reach_no_mof_class(table: Mapping[str, Any]) -> None:
    result = score(
        make({**ALL_OPEN, "weights": "gated"}, weights_license="Apache-2.0", code_license="Apache-2.0"), table
    )
    # (0.5 + 8 * 1) / 9 = 94.44...
    assert result.score == pytest.approx(850 / 9)
    assert result.mof_class is None
    assert result.mof_missing == ("Model parameters (Final)",)
    assert result.osaid_reasons == ("Parameters: weights is gated (needs open)",)


def test_status_the_table_does_not_weight_is_an_error(table: Mapping[str, Any]) -> None:
    partial_table = copy.deepcopy(dict(table))
    del partial_table["status_weights"]["gated"]
    with pytest.raises(ValueError, match=r"openness\.weights is 'gated'"):
        score(make({"weights": "gated"}), partial_table)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("MIT OR CC-BY-NC-4.0", "osi-open"),
        ("MIT AND CC-BY-NC-4.0", "non-commercial"),
        ("GPL-2.0-or-later WITH Classpath-exception-2.0", "osi-open"),
        ("licenseref-llama-2-community-license", "use-restricted"),
        ("LicenseRef-proprietary", "proprietary"),
        ("BSD-4-Clause", "permissive-non-osi"),
        ("LicenseRef-not-in-the-table", None),
        ("LicenseRef-not-in-the-table OR Apache-2.0", "osi-open"),
        ("LicenseRef-not-in-the-table AND Apache-2.0", None),
    ],
)
def test_licence_expressions_are_classified(expression: str, expected: str | None, table: Mapping[str, Any]) -> None:
    assert license_class(expression, table) == expected


def test_osi_approval_is_checked_per_alternative(table: Mapping[str, Any]) -> None:
    assert osi_approved("Apache-2.0", table)
    assert osi_approved("CC-BY-4.0 OR MIT", table)
    assert not osi_approved("CC-BY-4.0 AND MIT", table)
    assert not osi_approved("CC0-1.0", table)


def test_table_classes_run_from_most_to_least_open_with_falling_caps(table: Mapping[str, Any]) -> None:
    classes = table["license_classes"]
    assert [c["id"] for c in classes] == [
        "osi-open",
        "permissive-non-osi",
        "use-restricted",
        "non-commercial",
        "proprietary",
    ]
    assert [c["rank"] for c in classes] == [1, 2, 3, 4, 5]
    caps = [c["cap"] for c in classes]
    assert caps == sorted(caps, reverse=True)
    members = [lic.lower() for c in classes for lic in c["licenses"]]
    assert len(members) == len(set(members)), "a licence is in two classes"
    osi_open = {lic.lower() for lic in classes[0]["licenses"]}
    assert {lic.lower() for lic in table["osi_approved"]["licenses"]} <= osi_open


def test_every_licence_the_registry_uses_is_classified(table: Mapping[str, Any]) -> None:
    used: set[str] = set()
    for path in sorted((ROOT / "registry" / "models").glob("*.yaml")):
        data, _ = read(path)
        model = construct.model(data, str(path))
        result = score(model, table)
        assert result.unclassified_licenses == (), path.name
        used |= {f.license for f in result.licenses}
    assert used, "the registry records no licences"


def test_the_real_table_is_valid_and_the_fixture_copy_matches_it(table: Mapping[str, Any]) -> None:
    assert Schemas().check("openness", table, str(TABLE_PATH)) == []
    fixture, _ = read(ROOT / "tests" / "fixtures" / "base" / "openness.yaml")
    assert fixture == table


def test_schema_rejects_a_table_missing_a_status_weight_or_with_an_unknown_field(table: Mapping[str, Any]) -> None:
    broken = copy.deepcopy(dict(table))
    del broken["status_weights"]["documented"]
    broken["license_classes"][0]["colour"] = "green"
    problems = Schemas().check("openness", broken, "openness.yaml")
    messages = {(p.field_path, p.message) for p in problems}
    assert ("status_weights.documented", "required field is missing") in messages
    expected = (
        "cap, description, id, licenses, note, rank, rationale, source, weights_contradicts, weights_rationale, "
        "weights_when_downloadable"
    )
    assert ("license_classes[0].colour", f"unknown field 'colour'; expected one of: {expected}") in messages


def test_loaded_registry_exposes_the_table(base_registry: Path) -> None:
    loaded = registry.load(base_registry).require()
    assert loaded.openness_scoring["version"] == 2
    model = loaded.models["example-model"]
    assert score(model, loaded.openness_scoring).table_version == 2


def test_each_table_classifies_by_its_own_classes_when_tables_alternate(table: Mapping[str, Any]) -> None:
    other = copy.deepcopy(dict(table))
    for c in other["license_classes"]:
        c["licenses"] = [i for i in c["licenses"] if i != "MIT"]
    next(c for c in other["license_classes"] if c["id"] == "proprietary")["licenses"].append("MIT")
    other["osi_approved"]["licenses"] = [i for i in other["osi_approved"]["licenses"] if i != "MIT"]
    assert [license_class("MIT", t) for t in (table, other, table)] == ["osi-open", "proprietary", "osi-open"]
    assert [osi_approved("MIT", t) for t in (table, other, table)] == [True, False, True]
