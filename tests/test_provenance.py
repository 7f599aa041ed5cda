"""Who stands behind a figure: the developer, its own estimate, a third party or the registry, told apart on the
model page."""

from __future__ import annotations

import shutil
from pathlib import Path

from builder.load import loader as registry
from builder.site import pages

THIRD_PARTY = (
    "  tokens: 2.0e+10\n",
    "  tokens: 2.0e+10\n  compute_flop: {value: 1.0e+20, source: paper, "
    "provenance: third-party-estimate, confidence: Speculative}\n  utilization: {value: 0.4, estimated: true}\n",
)


def _page(base_registry: Path) -> str:
    path = base_registry / "models" / "example-model.yaml"
    text = path.read_text().replace(*THIRD_PARTY)
    path.write_text(
        text.replace(
            "parameters: {value: 1.0e+9, source: paper}",
            "parameters: {value: 1.0e+9, source: paper, provenance: third-party-estimate, confidence: Likely}",
        )
    )
    page = next(
        g for g in pages.generate(registry.load(base_registry).require()) if g.path == "models/example-model.md"
    )
    return str(page.text) + (page.body() if page.body is not None else "")


def _row(page: str, name: str) -> str:
    row = page[page.index(f'id="metric-{name}"') :]
    return row[: row.index("</tr>")]


def test_model_page_gives_each_method_its_own_badge_and_a_legend(base_registry: Path) -> None:
    page = _page(base_registry)
    compute = _row(page, "compute_flop")
    assert "rg-badge--third" in compute and "third-party estimate" in compute and "confidence: Speculative" in compute
    assert "rg-badge--rep" not in compute and "Estimated by a third party, not the developer" in compute
    emissions = _row(page, "emissions_tco2e")
    assert "rg-badge--rep" in emissions and "rg-badge--third" not in emissions
    assert "rg-badge--est" in _row(page, "energy_mwh")
    legend = page[page.index('class="rg-help rg-legend"') :]
    legend = legend[: legend.index("</dl>")]
    for badge in ("rg-badge--rep", "rg-badge--dev", "rg-badge--third", "rg-badge--est"):
        assert badge in legend


def test_key_facts_say_a_parameter_count_is_a_third_party_estimate(base_registry: Path) -> None:
    page = _page(base_registry)
    facts = page[page.index('<dl class="rg-facts">') :]
    facts = facts[: facts.index("</dl>")]
    assert "(third-party estimate; confidence: Likely)" in facts
    assert "third-party estimate" in _row(page, "compute_flop")


def test_methodology_explains_the_four_methods_net_figures_and_precedence(base_registry: Path) -> None:
    shutil.copyfile(Path(__file__).parent.parent / "registry" / "precedence.yaml", base_registry / "precedence.yaml")
    page = next(g for g in pages.generate(registry.load(base_registry).require()) if g.path == "methodology.md")
    text = str(page.text) + (page.body() if page.body is not None else "")
    for name in ("reported", "reported-estimate", "third-party-estimate", "estimated"):
        assert f'<tr id="method-{name}"><td><code>{name}</code>' in text
    assert 'id="net-and-location-based"' in text and "emissions_market_tco2e" in text
    tiers = text[text.index('id="precedence"') :]
    assert tiers.index('id="tier-primary"') < tiers.index('id="tier-curated-index"') < tiers.index('id="tier-listing"')
    assert "Epoch AI" in tiers and "Model Openness Tool" in tiers and "python -m builder audit" in tiers
