"""Loading through the CLI pauses Python's cyclic collector and gives it back, also after a failure; the loader itself
never touches it (the runtime does, in one place)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from builder.cli import main
from builder.load import loader


def test_loading_pauses_the_collector_and_restores_it(
    base_registry: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[bool] = []
    read = loader._read

    def noting(*args: object) -> loader._File:
        seen.append(gc.isenabled())
        return read(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_read", noting)
    assert gc.isenabled()
    assert main(["validate", "--registry", str(base_registry)]) == 0
    assert seen and not any(seen)
    assert gc.isenabled()
    (base_registry / "assumptions.yaml").write_text("- not a mapping\n")
    assert main(["validate", "--registry", str(base_registry)]) == 1
    assert gc.isenabled()
    seen.clear()
    loader.load(base_registry)
    assert seen and all(seen)  # the loader alone leaves the collector as it is
    gc.disable()
    try:
        main(["validate", "--registry", str(base_registry)])
        assert not gc.isenabled()
    finally:
        gc.enable()
    capsys.readouterr()
