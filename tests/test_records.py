"""Typed records: plain figures cite the nearest enclosing sources; mapped figures keep range and note."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

import pytest

from builder.load import loader as registry
from builder.load.schemas import Schemas
from builder.runtime.background import can_fork


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


def test_loading_pauses_the_cyclic_collector_and_restores_it(base_registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    read = registry._read

    def noting(*args: object) -> registry._File:
        seen.append(gc.isenabled())
        return read(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(registry, "_read", noting)
    assert gc.isenabled()
    registry.load(base_registry)
    assert seen and not any(seen)
    assert gc.isenabled()
    (base_registry / "assumptions.yaml").write_text("- not a mapping\n")
    assert registry.load(base_registry).errors
    assert gc.isenabled()
    gc.disable()
    try:
        registry.load(base_registry)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cache_skips_unchanged_files_and_rereads_edited_ones(base_registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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


def _every_invalid_case(base: Path) -> Path:
    for case in sorted((Path(__file__).parent / "fixtures" / "invalid").glob("*/*.yaml")):
        (base / case.parent.name).mkdir(exist_ok=True)
        shutil.copyfile(case, base / case.parent.name / case.name)
    return base


@pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")
def test_reading_half_the_files_in_a_forked_process_finds_the_same(base_registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _every_invalid_case(base_registry)
    forked: list[bool] = []

    class Watched(registry.Results):  # type: ignore[type-arg]
        def get(self, key: str) -> object:
            forked.append(self.forked)
            return super().get(key)

    monkeypatch.setattr(registry, "Results", Watched)
    monkeypatch.setattr(registry, "SPLIT_FROM", 10**9)
    alone = registry.load(root)
    monkeypatch.setattr(registry, "SPLIT_FROM", 2)
    cache: registry.FileCache = {}
    split = registry.load(root, cache=cache)
    assert forked == [False, True]
    assert len(alone.problems) > 50
    assert split.problems == alone.problems
    assert set(cache) == {p for _, p in registry.discover(root)}  # what the forked process read is kept for the next build


def test_the_files_are_halved_by_bytes_not_by_count() -> None:
    todo = [("model", Path(f"m{i}.yaml")) for i in range(4)] + [("grid", Path(f"g{i}.yaml")) for i in range(4)]
    stamps: dict[Path, tuple[int, int] | None] = {p: (0, 300 if kind == "model" else 100) for kind, p in todo}
    assert registry._middle(todo, stamps) == 3  # 900 bytes and 700, where halving the count gives 1,200 and 400
    stamps[todo[0][1]] = None  # unreadable: reported when read, counted as nothing here
    assert registry._middle(todo, stamps) == 4


@pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")
def test_a_forked_reader_that_dies_leaves_the_reading_to_this_process(base_registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "SPLIT_FROM", 2)
    here = os.getpid()
    original = registry._read

    def dies_when_forked(kind: str, path: Path, schemas: Schemas) -> object:
        if os.getpid() != here:
            os._exit(9)
        return original(kind, path, schemas)

    monkeypatch.setattr(registry, "_read", dies_when_forked)
    assert registry.load(base_registry).require().models["example-model"].name == "Example Model"
