"""The field reference is read from the schemas: every property appears with what it accepts and its description."""

from __future__ import annotations

from builder.load.schemas import Schemas, iter_properties
from builder.site import fieldref


def test_every_model_property_is_in_the_reference_with_its_description() -> None:
    schemas = Schemas()
    rows = {f.path: f for f in fieldref.reference(schemas)[0][2]}
    assert rows["training.energy_mwh"].description.startswith("Facility energy of the run in MWh, PUE included")
    assert rows["training.location.operator_type"].accepts == "one of: hyperscale, cloud, colocation, on-premises"
    assert rows["id"].required and not rows["parameters"].required
    assert rows["parameters"].accepts == (
        "number or {value, low, high, source, note, estimated, provenance, confidence, disagrees, "
        "scope, includes_pue, differs_from_estimate}"
    )
    assert rows["sources[].url"].required
    assert "inference[].scope" in rows and "lifecycle[].methodology" in rows
    leaf_names = {name.rsplit(".", 1)[-1] for name, _ in iter_properties(schemas.inlined("model"))}
    figure_keys = {
        "value",
        "low",
        "high",
        "source",
        "note",
        "estimated",
        "provenance",
        "confidence",
        "disagrees",
        "scope",
        "includes_pue",
        "differs_from_estimate",
    }
    assert leaf_names <= {path.rsplit(".", 1)[-1].removesuffix("[]") for path in rows} | figure_keys


def test_assumptions_reference_shows_the_entry_fields() -> None:
    _title, pattern, rows = fieldref.reference(Schemas())[-1]
    assert pattern == "registry/assumptions.yaml"
    assert {"assumptions.<id>.value", "assumptions.<id>.rationale"} <= {f.path for f in rows}
