"""A sourced figure is a contradiction only beyond the cross-check factor from its estimate's 90% interval, not its
centre."""

from __future__ import annotations

from pathlib import Path

from builder.derive.metrics import Context, Derived, derive
from builder.load import loader as registry


def _derive(base: Path, original: str, compute: float) -> Derived:
    """The example model with Epoch-style compute in place of its tokens (so the estimate beside it is the hardware
    path)."""
    figure = f"  compute_flop: {{value: {compute:.6e}, provenance: third-party-estimate}}\n"
    (base / "models" / "example-model.yaml").write_text(original.replace("  tokens: 2.0e+10\n", figure))
    reg = registry.load(base).require()
    return derive(reg.models["example-model"], Context(reg.assumptions, reg.hardware, reg.grids))


def test_cross_check_measures_from_the_interval(base_registry: Path) -> None:
    original = (base_registry / "models" / "example-model.yaml").read_text()
    estimate = _derive(base_registry, original, 1e20).metrics["compute_flop"].estimate
    assert estimate is not None and estimate.path == "hardware" and estimate.high > estimate.value * 1.1
    inside = _derive(base_registry, original, estimate.high * 2.9)  # over 3x the centre, within 3x of the interval
    assert inside.metrics["compute_flop"].value / estimate.value > 3
    assert not [c for c in inside.checks if c.code == "cross-check"]
    far = [c for c in _derive(base_registry, original, estimate.high * 3.2).checks if c.code == "cross-check"]
    assert len(far) == 1 and "90% interval" in far[0].message
