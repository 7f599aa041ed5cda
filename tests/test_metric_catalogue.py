"""One catalogue of metrics and figures: every name derivation produces has a row, and every row is derived (or, for a
figure of a record's inference or life-cycle list, is a figure of that record type)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from builder.derive import derived
from builder.derive.inference import normalise
from builder.load import loader
from builder.records import catalogue
from builder.records.construct import disclosure
from builder.records.types import Disclosure, Lifecycle

FLIGHT = """  flight_paris_new_york_tco2e_per_passenger:
    description: One passenger flying Paris-New York.
    unit: tCO2e
    value: 1
    source: test-source
sources:
"""
INFERENCE = """inference:
  - {query: one prompt, kind: measured, energy_wh: 0.3, emissions_g: 0.05, water_ml: 0.3, scope: [accelerators]}
sources:
"""


def _everything_derived(base: Path) -> Path:
    """The tests' starter registry plus the assumption and the disclosure it lacks for every metric to be derived."""
    assumptions = base / "assumptions.yaml"
    assumptions.write_text(assumptions.read_text().replace("\nsources:\n", "\n" + FLIGHT, 1))
    model = base / "models" / "example-model.yaml"
    model.write_text(model.read_text().replace("\nsources:\n", "\n" + INFERENCE, 1))
    return base


def _derived_names(base: Path) -> set[str]:
    """Every metric name the derivation of a registry gives a value, or a reason it has none."""
    reports = derived.derive_all(loader.load(base).require())
    return {name for r in reports.values() for name in (*r.metrics, *r.missing)}


def test_every_derived_name_has_a_row_and_every_row_is_derived(base_registry: Path) -> None:
    names = _derived_names(_everything_derived(base_registry))
    assert names == set(catalogue.METRICS)
    assert [row.name for row in catalogue.ROWS if row.group in catalogue.DERIVED] == list(catalogue.METRICS)


def test_every_disclosure_and_life_cycle_figure_has_a_row() -> None:
    def figures(record: type) -> set[str]:
        return {f.name for f in dataclasses.fields(record) if f.type == "Figure | None"}

    assert figures(Disclosure) == set(catalogue.names(catalogue.DISCLOSURE))
    assert figures(Lifecycle) == set(catalogue.names(catalogue.LIFECYCLE))
    rows = catalogue.names(catalogue.DISCLOSURE)
    every = normalise(disclosure({"query": "q", "kind": "measured", **dict.fromkeys(rows, 1)}, ()))
    assert set(every.per_query) == set(rows)
