"""The coverage table and counts: each figure's state follows the record (disclosed, a source's estimate) or the builder
(the registry's estimate), and mixture-of-experts models without active parameters are named."""

from __future__ import annotations

from pathlib import Path

from builder import cli
from builder.derive import coverage, derived
from builder.load import loader as registry
from builder.site import pages


def _reports(root: Path) -> derived.Reports:
    return derived.Reports(registry.load(root).require())


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "models" / "example-model.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_states_follow_the_record_and_the_builder(base_registry: Path) -> None:
    _edit(base_registry, "  tokens: 2.0e+10\n", "  tokens: {value: 2.0e+10, provenance: third-party-estimate}\n")
    rows = coverage.top_rows(_reports(base_registry))
    assert [r.model_id for r in rows] == ["example-model"]
    states = {label: c.state for (_, label, _), c in zip(coverage.FIELDS, rows[0].cells, strict=True)}
    assert states == {
        "Compute": coverage.REGISTRY_ESTIMATE,
        "Parameters": coverage.DISCLOSED,
        "Tokens": coverage.SOURCE_ESTIMATE,
        "Accelerator-hours": coverage.DISCLOSED,
        "Energy": coverage.REGISTRY_ESTIMATE,
        "Emissions": coverage.DISCLOSED,
    }
    assert "| 1 | Example Model | registry est. 1.2e+20 | disclosed 1e+09 | source est. 2e+10 |" in coverage.markdown(
        rows
    )


def test_counts_name_mixture_of_experts_without_active_parameters(base_registry: Path) -> None:
    _edit(base_registry, "parameters:", "architecture: sparse mixture-of-experts decoder\nparameters:")
    counts = coverage.counts(registry.load(base_registry).require().models)
    assert (counts.energy_or_emissions, counts.accelerator_hours, counts.tokens) == (1, 1, 1)
    assert counts.moe_without_active_parameters == ("example-model",)
    _edit(
        base_registry, "parameters:", "active_parameters: {value: null, note: only a share is published}\nparameters:"
    )
    counts = coverage.counts(registry.load(base_registry).require().models)
    assert (counts.moe_with_active_parameters, counts.moe_active_parameters_unpublished) == (0, 1)
    assert counts.moe_without_active_parameters == ()
    _edit(
        base_registry,
        "active_parameters: {value: null, note: only a share is published}",
        "active_parameters: {value: 2.0e+8, source: paper}",
    )
    counts = coverage.counts(registry.load(base_registry).require().models)
    assert (counts.mixture_of_experts, counts.moe_with_active_parameters, counts.moe_without_active_parameters) == (
        1,
        1,
        (),
    )


def test_coverage_page_lists_the_model_with_its_states(base_registry: Path) -> None:
    reg = registry.load(base_registry).require()
    page = next(p for p in pages.generate(reg, settings={}) if p.path == "coverage.md")
    text = str(page.content)
    assert '<a href="../models/example-model/">Example Model</a>' in text
    assert "1 of 1 models have a training energy or emissions figure their developer published" in text
    assert "registry estimate</span> 1.2 × 10²⁰" in text


def test_readme_table_is_replaced_between_its_markers(base_registry: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# R\n\n{coverage.START}\nold table\n{coverage.END}\n\nafter\n")
    assert cli.main(["coverage", "--registry", str(base_registry), "--readme", str(readme)]) == 0
    text = readme.read_text()
    assert "old table" not in text and "| 1 | Example Model |" in text and text.endswith(f"{coverage.END}\n\nafter\n")
    readme.write_text("# R without markers\n")
    assert cli.main(["coverage", "--registry", str(base_registry), "--readme", str(readme)]) == 1


def test_a_third_partys_estimate_is_not_counted_as_published(base_registry: Path) -> None:
    """Coverage counts what developers published: Epoch AI's or another third party's estimate is not a disclosure."""
    before = coverage.counts(registry.load(base_registry).require().models)
    assert (before.energy_or_emissions, before.tokens) == (1, 1)
    _edit(
        base_registry,
        'emissions_tco2e: {value: 0.02, note: "as published"}',
        'emissions_tco2e: {value: 0.02, note: "a study\'s figure", provenance: third-party-estimate}',
    )
    _edit(base_registry, "  tokens: 2.0e+10", "  tokens: {value: 2.0e+10, provenance: third-party-estimate}")
    after = coverage.counts(registry.load(base_registry).require().models)
    assert (after.energy_or_emissions, after.tokens) == (0, 0)
