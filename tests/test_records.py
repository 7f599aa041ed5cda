"""Typed records: plain figures cite the nearest enclosing sources; mapped figures keep range and note."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.load import loader as registry


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
    (base_registry / "models" / "Example-Model.yaml").write_text(
        (base_registry / "models" / "example-model.yaml").read_text()
    )
    loaded = registry.load(base_registry)
    codes = {p.code for p in loaded.problems}
    assert {"id-duplicate", "file-name"} <= codes
    assert loaded.registry is None


def test_missing_assumptions_file_is_reported(base_registry: Path) -> None:
    (base_registry / "assumptions.yaml").unlink()
    loaded = registry.load(base_registry)
    assert [p.code for p in loaded.errors] == ["file-missing"]


def test_cache_skips_unchanged_files_and_rereads_edited_ones(
    base_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = registry.read

    def counting(path: Path) -> object:
        calls.append(path.name)
        return original(path)

    monkeypatch.setattr(registry, "read", counting)
    cache: registry.FileCache = {}
    assert registry.load(base_registry, cache=cache).registry is not None
    first = len(calls)
    assert first == 6
    calls.clear()
    assert registry.load(base_registry, cache=cache).registry is not None
    assert calls == []
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(path.read_text().replace("name: Example Model", "name: Example Model, edited"))
    loaded = registry.load(base_registry, cache=cache)
    assert calls == ["example-model.yaml"]
    assert loaded.require().models["example-model"].name == "Example Model, edited"
    (base_registry / "organizations" / "example-lab.yaml").unlink()
    broken = registry.load(base_registry, cache=cache)
    assert [p.code for p in broken.errors] == ["ref-organization"]
