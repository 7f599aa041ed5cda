"""The registry shipped in this repository validates with no errors and loads into typed records."""

from __future__ import annotations

from pathlib import Path

from builder import registry

ROOT = Path(__file__).parent.parent


def test_shipped_registry_has_no_errors() -> None:
    loaded = registry.load(ROOT / "registry")
    assert loaded.errors == [], "\n".join(f"{p.path}:{p.line}:{p.column}: {p.message}" for p in loaded.errors[:20])
    reg = loaded.require()
    assert len(reg.models) >= 5
    for model in reg.models.values():
        for org in model.organizations:
            assert org in reg.organizations
        if model.training.accelerator:
            assert model.training.accelerator in reg.hardware
