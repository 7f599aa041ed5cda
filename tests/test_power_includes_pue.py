"""A published power already "adjusted for power usage efficiency" (Meta's cards) is not multiplied by a PUE again."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.derive.metrics import Context, derive
from builder.load import loader as registry


def test_power_that_includes_pue_is_not_multiplied_by_it(base_registry: Path) -> None:
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(
        path.read_text().replace("  average_power_w: 300\n", "  average_power_w: {value: 300, includes_pue: true}\n")
    )
    reg = registry.load(base_registry).require()
    d = derive(reg.models["example-model"], Context(reg.assumptions, reg.hardware, reg.grids))
    energy, it = d.metrics["energy_mwh"], d.metrics["it_energy_mwh"]
    assert energy.value == pytest.approx(800 * 300 / 1e6)  # hours x the published power, PUE 1.2 counted once
    assert it.value == pytest.approx(800 * 300 / 1e6 / 1.2)
    assert "/ PUE (the published power includes it)" in it.formula
    emissions = d.metrics["emissions_tco2e"].estimate
    assert emissions is not None and emissions.value == pytest.approx(800 * 300 / 1e6 * 57 / 1000)
