"""Typed records: plain figures cite the nearest enclosing sources; mapped figures keep range and note."""

from __future__ import annotations

from pathlib import Path

from builder import registry


def test_plain_training_figure_cites_training_sources(base_registry: Path) -> None:
    model = registry.load(base_registry).require().models["example-model"]
    assert model.training.tokens is not None
    assert model.training.tokens.value == 2.0e10
    assert model.training.tokens.sources == ("paper",)
    assert model.parameters is not None and model.parameters.sources == ("paper",)
    assert model.training.emissions_tco2e is not None and model.training.emissions_tco2e.note == "as published"
    assert model.openness["weights"].value == "open"
    assert model.organizations == ("example-lab",)


def test_null_figure_is_unknown_not_zero(base_registry: Path) -> None:
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(path.read_text().replace("  tokens: 2.0e+10", "  tokens: null"))
    model = registry.load(base_registry).require().models["example-model"]
    assert model.training.tokens is None


def test_ids_differing_only_in_case_are_duplicates(base_registry: Path) -> None:
    (base_registry / "models" / "Example-Model.yaml").write_text((base_registry / "models" / "example-model.yaml").read_text())
    loaded = registry.load(base_registry)
    codes = {p.code for p in loaded.problems}
    assert {"id-duplicate", "file-name"} <= codes
    assert loaded.registry is None


def test_missing_assumptions_file_is_reported(base_registry: Path) -> None:
    (base_registry / "assumptions.yaml").unlink()
    loaded = registry.load(base_registry)
    assert [p.code for p in loaded.errors] == ["file-missing"]
