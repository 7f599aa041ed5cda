"""Compute from hardware and from 6 x parameters x tokens disagree only beyond the cross-check factor between their
90% intervals, not their centres: the hardware path's utilization is uncertain."""

from __future__ import annotations

from pathlib import Path

from builder.derive.metrics import Context, Derived, ModelDerivation, derive
from builder.load import loader as registry


def _derive(base: Path, original: str, tokens: float) -> tuple[Derived, Context]:
    """The example model with a sourced compute (so the check runs) and the given tokens."""
    figure = f"  tokens: {tokens:.6e}\n  compute_flop: {{value: 1.0e+20, provenance: third-party-estimate}}\n"
    (base / "models" / "example-model.yaml").write_text(original.replace("  tokens: 2.0e+10\n", figure))
    reg = registry.load(base).require()
    ctx = Context(reg.assumptions, reg.hardware, reg.grids)
    return derive(reg.models["example-model"], ctx), ctx


def _paths(found: Derived) -> list[str]:
    return [c.message for c in found.checks if c.code == "compute-paths"]


def test_compute_paths_are_compared_by_their_intervals(base_registry: Path) -> None:
    original = (base_registry / "models" / "example-model.yaml").read_text()
    _, ctx = _derive(base_registry, original, 2.0e10)
    reg = registry.load(base_registry).require()
    hw = ModelDerivation(reg.models["example-model"], ctx)._compute_hardware()
    assert hw is not None and not isinstance(hw, str) and hw.high > hw.value * 1.1
    per_token = 6 * 1.0e9  # FLOP per token of the example's 1B parameters
    inside, _ = _derive(base_registry, original, hw.high * 2.9 / per_token)  # over 3x the centre, within the band
    assert not _paths(inside)
    far, _ = _derive(base_registry, original, hw.high * 3.2 / per_token)
    assert len(_paths(far)) == 1 and "90% interval" in _paths(far)[0]
