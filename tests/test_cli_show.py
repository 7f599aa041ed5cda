"""`python -m builder show`: every metric with method, range and inputs; JSON with `derived`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.cli import main


def test_show_text_lists_metrics_with_method_and_inputs(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "example-model", "--registry", str(base_registry)]) == 0
    out = capsys.readouterr().out
    assert "compute_flop: 1.2e20 FLOP  [estimated: 6ND]" in out
    assert "formula: 6 x parameters x tokens" in out
    assert "energy_mwh: 0.288 MWh  [estimated: IT energy x PUE]" in out
    assert "emissions_tco2e: 0.02 tCO2e  [reported]" in out
    assert "emissions_market_tco2e: unknown (" in out


def test_show_json_maps_each_metric_to_value_range_method_formula_inputs(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "example-model", "--registry", str(base_registry), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    derived = body["derived"]
    for name in (
        "accelerator_hours",
        "compute_flop",
        "it_energy_mwh",
        "energy_mwh",
        "carbon_intensity_g_per_kwh",
        "emissions_tco2e",
    ):
        assert {"value", "low", "high", "method", "formula", "inputs"} <= set(derived[name]), name
    assert derived["compute_flop"]["inputs"][0]["name"] == "parameters"
    assert derived["missing"]["emissions_market_tco2e"]
    assert derived["openness"]["score"] is not None
    assert body["model"]["name"] == "Example Model"


def test_show_unknown_model_suggests_a_close_id(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "example-modle", "--registry", str(base_registry)]) == 2
    assert "did you mean 'example-model'?" in capsys.readouterr().err


def test_show_on_an_invalid_registry_prints_problems_and_exits_1(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (base_registry / "models" / "broken.yaml").write_text("id: broken\n")
    assert main(["show", "example-model", "--registry", str(base_registry)]) == 1
    assert "broken.yaml:1:1: name: required field is missing [schema]" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("figure", "disclosed"),
    [
        ("{value: 1.0e+20, provenance: third-party-estimate, confidence: Likely}", False),
        ("{value: 1.0e+20, estimated: true}", True),
        ("{value: 1.0e+20, provenance: reported-estimate}", True),
    ],
)
def test_third_party_estimates_do_not_count_as_disclosed(
    base_registry: Path, capsys: pytest.CaptureFixture[str], figure: str, disclosed: bool
) -> None:
    """The developer's own estimate is a disclosure; someone else's estimate of the developer's run is not."""
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(path.read_text().replace("  tokens: 2.0e+10\n", f"  tokens: 2.0e+10\n  compute_flop: {figure}\n"))
    assert main(["show", "example-model", "--registry", str(base_registry), "--json"]) == 0
    items = {i["key"]: i["disclosed"] for i in json.loads(capsys.readouterr().out)["derived"]["transparency"]["items"]}
    assert items["compute"] is disclosed
    assert items["emissions"] is True


@pytest.mark.parametrize(
    ("figure", "method"),
    [
        ("{value: 1.0e+20}", "reported"),
        ("{value: 1.0e+20, estimated: true}", "reported-estimate"),
        ("{value: 1.0e+20, provenance: third-party-estimate, confidence: Speculative}", "third-party-estimate"),
    ],
)
def test_show_gives_each_sourced_figure_its_method_and_confidence(
    base_registry: Path, capsys: pytest.CaptureFixture[str], figure: str, method: str
) -> None:
    """Text and JSON name who stands behind the figure; a third party's confidence is kept beside it."""
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(path.read_text().replace("  tokens: 2.0e+10\n", f"  tokens: 2.0e+10\n  compute_flop: {figure}\n"))
    assert main(["show", "example-model", "--registry", str(base_registry)]) == 0
    text = capsys.readouterr().out
    confidence = ", confidence: Speculative" if method == "third-party-estimate" else ""
    assert f"compute_flop: 1e20 FLOP  [{method}{confidence}]" in text
    assert "  estimated: the registry's estimate" in text and "  third-party-estimate: someone else's estimate" in text
    assert main(["show", "example-model", "--registry", str(base_registry), "--json"]) == 0
    compute = json.loads(capsys.readouterr().out)["derived"]["compute_flop"]
    assert compute["method"] == method
    assert compute["confidence"] == ("Speculative" if confidence else None)
    assert compute["estimate"]["method"] == "estimated"


def test_show_marks_a_third_party_parameter_count(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(
        path.read_text().replace(
            "parameters: {value: 1.0e+9, source: paper}",
            "parameters: {value: 1.0e+9, source: paper, provenance: third-party-estimate}",
        )
    )
    assert main(["show", "example-model", "--registry", str(base_registry)]) == 0
    assert "  parameters: 1e9  [third-party-estimate]" in capsys.readouterr().out


def test_show_states_the_scope_of_the_record_and_of_a_figure(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reader must see that a fine-tune's compute includes its base model's pretraining, as the entry says."""
    path = base_registry / "models" / "example-model.yaml"
    figure = "{value: 5.0e+20, provenance: third-party-estimate, scope: with-base-model}"
    path.write_text(
        path.read_text().replace(
            "  tokens: 2.0e+10\n", f"  tokens: 2.0e+10\n  compute_flop: {figure}\n  scope: fine-tune-only\n"
        )
    )
    assert main(["show", "example-model", "--registry", str(base_registry)]) == 0
    out = capsys.readouterr().out
    assert (
        "  scope of the training figures: fine-tune-only (the fine-tune's own run, without its base model's "
        "pretraining)" in out
    )
    compute = out.split("  compute_flop: 5e20 FLOP")[1].splitlines()
    assert compute[1] == "    scope: with-base-model (the fine-tune plus its base model's pretraining)"


def test_show_prints_no_scope_when_the_entry_states_none(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "example-model", "--registry", str(base_registry)]) == 0
    out = capsys.readouterr().out
    assert "scope of the training figures" not in out
    assert not [line for line in out.splitlines() if line.strip().startswith("scope:")]
