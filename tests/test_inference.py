"""Inference disclosures: normalisation per query and per 1,000 output tokens, comparability flags, break-even."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from builder.derive.inference import break_even, comparability, groups, normalise
from builder.derive.metrics import Metric
from builder.records.construct import disclosure

GEMINI = {
    "query": "median text prompt",
    "kind": "measured",
    "energy_wh": 0.24,
    "emissions_g": 0.03,
    "water_ml": 0.26,
    "accounting": "market",
    "scope": ["accelerators", "host", "idle-capacity", "cooling"],
}
MISTRAL = {
    "query": "400-token response",
    "kind": "estimated",
    "output_tokens": 400,
    "emissions_g": 1.14,
    "water_ml": 45,
    "abiotic_depletion_mg_sb_eq": 0.16,
    "accounting": "location",
    "scope": ["accelerators", "host", "cooling", "network", "embodied-hardware", "training", "inference"],
}
TASK = {
    "query": "1,000 queries of text generation",
    "kind": "measured",
    "queries": 1000,
    "output_tokens": 10000,
    "energy_wh": 47,
    "scope": ["accelerators", "host"],
}


def test_per_query_and_per_1000_tokens() -> None:
    n = normalise(disclosure(TASK, ("s",)))
    assert n.per_query["energy_wh"] == pytest.approx(0.047)
    assert n.per_1000_tokens["energy_wh"] == pytest.approx(47 / 10000 * 1000)
    mistral = normalise(disclosure(MISTRAL, ("s",)))
    assert mistral.per_1000_tokens["water_ml"] == pytest.approx(45 / 400 * 1000)


def test_no_token_count_means_no_per_token_figure_and_a_reason() -> None:
    n = normalise(disclosure(GEMINI, ("s",)))
    assert n.per_1000_tokens == {}
    assert n.per_token_reason and "output tokens" in n.per_token_reason


def test_market_and_location_and_different_scopes_are_not_comparable() -> None:
    ok, reasons = comparability(disclosure(GEMINI, ("s",)), disclosure(MISTRAL, ("s",)))
    assert not ok
    assert any("market-based in one and location-based" in r for r in reasons)
    assert any(r.startswith("different scopes") and "embodied-hardware" in r for r in reasons)


def test_same_scope_and_accounting_are_comparable() -> None:
    ok, reasons = comparability(disclosure(TASK, ("s",)), disclosure({**TASK, "energy_wh": 12}, ("s",)))
    assert ok and reasons == []


def test_vendor_statement_is_flagged_beside_a_measurement() -> None:
    vendor = {**TASK, "kind": "vendor-statement"}
    ok, reasons = comparability(disclosure(TASK, ("s",)), disclosure(vendor, ("s",)))
    assert not ok and any("vendor statement" in r for r in reasons)


def test_groups_put_like_with_like() -> None:
    found = groups(
        [
            ("a", disclosure(TASK, ("s",))),
            ("b", disclosure({**TASK, "energy_wh": 12}, ("s",))),
            ("c", disclosure(GEMINI, ("s",))),
        ]
    )
    sizes = [len(members) for members in found.values()]
    assert sizes == [2, 1]


def test_break_even_queries() -> None:
    training = Metric("emissions_tco2e", 100, 90, 110, "tCO2e", "reported", "reported", "as published")
    operational = {**TASK, "emissions_g": 14.46, "accounting": "location"}
    result = break_even(training, [disclosure(operational, ("s",))])
    assert result is not None
    assert result.value == pytest.approx(100e6 / (14.46 / 1000))
    assert result.low == pytest.approx(90e6 / (14.46 / 1000))
    assert result.note is None


def test_break_even_with_market_emissions_says_so() -> None:
    training = Metric("emissions_tco2e", 100, 100, 100, "tCO2e", "reported", "reported", "as published")
    result = break_even(training, [disclosure(GEMINI, ("s",))])
    assert result is not None and result.note and "market-based" in result.note


def _estimate(base_registry: Path, weights: str = "open", extra: str = "") -> Metric | str:
    from builder.derive.inference import estimate_energy
    from builder.derive.metrics import Context
    from builder.load import loader as registry

    path = base_registry / "models" / "example-model.yaml"
    path.write_text(
        path.read_text().replace(
            "weights: {value: open, source: paper}", f"weights: {{value: {weights}, source: paper}}"
        )
        + extra
    )
    reg = registry.load(base_registry).require()
    return estimate_energy(reg.models["example-model"], Context(reg.assumptions, reg.hardware, reg.grids))


def _server_wh(p_active: float, p_total: float, batch: float, bits: float) -> float:
    """The fixture's constants in EcoLogits' released formula, GPUs rounded up to a power of two."""
    gpus = 2 ** math.ceil(math.log2(math.ceil(1.2 * p_total * bits / 8 / 80)))
    gpu = 6.47e-6 * math.exp(-2.60e-3 * batch) * p_active + 1.04e-5
    host = (6.78e-4 * p_active + 3.12e-4 * batch + 1.94e-2) * 1000 * gpus / 8 / batch / 3600
    return 1000 * (gpus * gpu + host)


def test_inference_energy_by_ecologits_method(base_registry: Path) -> None:
    result = _estimate(base_registry)
    assert isinstance(result, Metric)
    assert result.value == pytest.approx(_server_wh(1.0, 1.0, 64, 16) * 1.1)
    ends = [_server_wh(1.0, 1.0, b, q) for b in (16, 256) for q in (4, 16)]
    assert result.hull == pytest.approx((min(ends) * 1.05, max(ends) * 1.2))
    assert result.hull[0] < result.low < result.value < result.high < result.hull[1]
    assert result.method == "estimated" and "exp(beta x batch)" in result.formula


def test_gpus_are_rounded_up_to_a_power_of_two(base_registry: Path) -> None:
    """300B parameters at 16 bits need 720 GB, 9 GPUs of 80 GB: EcoLogits serves them on 16."""
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(
        path.read_text().replace(
            "parameters: {value: 1.0e+9, source: paper}", "parameters: {value: 3.0e+11, source: paper}"
        )
    )
    result = _estimate(base_registry)
    assert isinstance(result, Metric)
    assert result.value == pytest.approx(_server_wh(300.0, 300.0, 64, 16) * 1.1)
    nine = (
        1000
        * (
            9 * (6.47e-6 * math.exp(-2.60e-3 * 64) * 300 + 1.04e-5)
            + (6.78e-4 * 300 + 3.12e-4 * 64 + 1.94e-2) * 1000 * 9 / 8 / 64 / 3600
        )
        * 1.1
    )
    assert result.value > nine * 1.7


def test_no_per_token_estimate_for_a_model_that_does_not_generate_text(base_registry: Path) -> None:
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(path.read_text().replace("domains: [language]", "domains: [vision]"))
    result = _estimate(base_registry)
    assert isinstance(result, str) and "text-generation" in result and "vision" in result
    path.write_text(
        path.read_text().replace(
            "domains: [vision]", "domains: [language]\narchitecture: encoder-only transformer (BERT)"
        )
    )
    result = _estimate(base_registry)
    assert isinstance(result, str) and "does not generate text" in result


def test_inference_estimate_uses_active_parameters_and_counts_gpus_from_total(base_registry: Path) -> None:
    result = _estimate(base_registry, extra="active_parameters: 1.0e+8\n")
    assert isinstance(result, Metric)
    assert result.value == pytest.approx(_server_wh(0.1, 1.0, 64, 16) * 1.1)
    assert result.value < _server_wh(1.0, 1.0, 64, 16) * 1.1
    assert {i.name for i in result.inputs} >= {"active_parameters", "parameters"}


def test_no_inference_estimate_for_closed_weights(base_registry: Path) -> None:
    result = _estimate(base_registry, weights="api-only")
    assert isinstance(result, str) and "open, gated or restricted" in result


def test_break_even_with_a_wider_per_query_scope_says_so() -> None:
    training = Metric("emissions_tco2e", 100, 100, 100, "tCO2e", "reported", "reported", "as published")
    result = break_even(training, [disclosure(MISTRAL, ("s",))])
    assert result is not None and result.note is not None
    assert "embodied-hardware, network, training" in result.note and result.note.endswith("an indication only")


def test_break_even_skips_a_per_query_range_that_reaches_zero() -> None:
    training = Metric("emissions_tco2e", 100, 100, 100, "tCO2e", "reported", "reported", "as published")
    zero_low = {**TASK, "emissions_g": {"value": 14.46, "low": 0, "high": 20}, "accounting": "location"}
    assert break_even(training, [disclosure(zero_low, ("s",))]) is None
