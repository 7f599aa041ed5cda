"""A third party's training emissions estimate counts towards coverage when a peer-reviewed study published it, counted
and labelled apart from the developer's figures; the same estimate in a preprint does not count."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from builder import cli
from builder.derive import coverage
from builder.load import loader as registry
from builder.site import pages

STUDY = """  - id: study
    title: An example study of training emissions
    url: https://example.org/study
    publisher: Example Journal
    locator: Table 3
    peer_reviewed: true
"""


def test_a_peer_reviewed_studys_estimate_is_counted_and_labelled_as_such(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = base_registry / "models" / "example-model.yaml"
    text = path.read_text()
    old = 'emissions_tco2e: {value: 0.02, note: "as published"}'
    new = "emissions_tco2e: {value: 0.02, source: study, provenance: third-party-estimate, note: PUE 1.58 assumed}"
    assert old in text
    path.write_text(text.replace(old, new) + STUDY)

    found = coverage.counts(registry.load(base_registry).require().models)
    assert (found.energy_or_emissions, found.energy_or_emissions_peer_reviewed, found.energy_or_emissions_total) == (
        0,
        1,
        1,
    )
    assert found.energy_or_emissions_words() == "1 (0 developer's, 1 from peer-reviewed studies)"

    assert cli.main(["coverage", "--registry", str(base_registry)]) == 0
    assert "1 (0 developer's, 1 from peer-reviewed studies) have a published training energy" in capsys.readouterr().out
    assert cli.main(["show", "example-model", "--registry", str(base_registry)]) == 0
    shown = capsys.readouterr().out
    assert "emissions_tco2e: 0.02 tCO2e  [third-party-estimate: a peer-reviewed study's estimate]" in shown

    site = {
        p.path: html.unescape(str(p.content))
        for p in pages.generate(registry.load(base_registry).require(), settings={})
    }
    assert "1 (0 developer's, 1 from peer-reviewed studies)" in site["coverage.md"]
    model_page = next(text for p, text in site.items() if p.startswith("models/example-model"))
    assert 'third-party estimate</span> <span class="rg-note">(a peer-reviewed study\'s estimate)</span>' in model_page
    assert "A peer-reviewed study's estimate, not the developer's: as given by" in model_page

    # The same estimate in a preprint (the flag left out) stays a third party's estimate that coverage does not count.
    path.write_text(path.read_text().replace("    peer_reviewed: true\n", ""))
    found = coverage.counts(registry.load(base_registry).require().models)
    assert (found.energy_or_emissions_peer_reviewed, found.energy_or_emissions_total) == (0, 0)
