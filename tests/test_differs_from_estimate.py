"""A figure whose distance from the registry's estimate the record explains raises no warning, and shows the
explanation."""

from __future__ import annotations

from pathlib import Path

from builder.derive.metrics import Context, derive
from builder.load import loader as registry


def test_explained_difference_is_shown_instead_of_a_warning(base_registry: Path) -> None:
    path = base_registry / "models" / "example-model.yaml"
    far = '  emissions_tco2e: {value: 2, note: "as published"'
    path.write_text(path.read_text().replace('  emissions_tco2e: {value: 0.02, note: "as published"', far))
    reg = registry.load(base_registry).require()
    warned = derive(reg.models["example-model"], Context(reg.assumptions, reg.hardware, reg.grids))
    assert [c.code for c in warned.checks] == ["cross-check"]
    path.write_text(path.read_text().replace(far, far + ", differs_from_estimate: offsets counted as emissions"))
    reg = registry.load(base_registry).require()
    explained = derive(reg.models["example-model"], Context(reg.assumptions, reg.hardware, reg.grids))
    assert explained.checks == ()
    note = explained.metrics["emissions_tco2e"].note
    assert note is not None and "far from the registry's independent estimate: offsets counted as emissions" in note
