"""A `disagrees` item that gives the kept value is an agreement, which `builder audit` would list as a conflict: it is
warned about where it is, and a real disagreement beside it is not."""

from __future__ import annotations

from pathlib import Path

from builder.load import loader as registry


def test_an_agreeing_disagreement_is_warned_about_where_it_is(base_registry: Path) -> None:
    path = base_registry / "models" / "example-model.yaml"
    published = '  emissions_tco2e: {value: 0.02, note: "as published"}\n'
    text = path.read_text(encoding="utf-8")
    assert published in text
    disagreeing = (
        "  emissions_tco2e:\n    value: 0.02\n    note: as published\n    disagrees:\n"
        "      - {value: 0.02, source: paper, note: an index repeating the figure}\n"
        "      - {value: 0.05, source: paper, note: a real disagreement}\n"
    )
    path.write_text(text.replace(published, disagreeing), encoding="utf-8")
    loaded = registry.load(base_registry)
    found = [(p.severity, p.field_path, p.line) for p in loaded.problems if p.code == "disagreement-agrees"]
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "an index repeating" in row)
    assert found == [("warning", "training.emissions_tco2e.disagrees[0]", line)]
    assert loaded.registry is not None  # a warning: the registry still builds
