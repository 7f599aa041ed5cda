"""6ND with total parameters counts every expert for every token: a mixture-of-experts model gets it only from its
active count."""

from __future__ import annotations

from pathlib import Path

from builder.derive.metrics import Context, Derived, derive
from builder.load import loader as registry


def _derive(base: Path, old: str, new: str) -> Derived:
    path = base / "models" / "example-model.yaml"
    path.write_text(path.read_text().replace(old, new))
    reg = registry.load(base).require()
    return derive(reg.models["example-model"], Context(reg.assumptions, reg.hardware, reg.grids))


def test_mixture_of_experts_without_active_count_has_no_six_nd(base_registry: Path) -> None:
    params = "parameters: {value: 1.0e+9, source: paper}\n"
    unknown = "active_parameters: {value: null, note: the developer gives no count of active parameters}\n"
    compute = _derive(base_registry, params, params + unknown).metrics["compute_flop"]
    assert compute.path == "hardware"  # not 6 x 1e9 total parameters x tokens
    active = _derive(base_registry, unknown, "active_parameters: {value: 2.5e+8, source: paper}\n").metrics[
        "compute_flop"
    ]
    assert active.path == "6ND" and active.value == 6 * 2.5e8 * 2.0e10
