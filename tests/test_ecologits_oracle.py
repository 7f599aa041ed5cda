"""The registry's inference estimate against the released EcoLogits package's own computation (a peer as the oracle)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from builder.derive.inference import estimate_energy
from builder.derive.metrics import Context, Metric
from builder.load import loader as registry
from builder.records.types import Figure, Model, Status

ecologits_llm = pytest.importorskip("ecologits.impacts.llm")
ROOT = Path(__file__).resolve().parent.parent
REG = registry.load(ROOT / "registry").require()
CTX = Context(REG.assumptions, REG.hardware, REG.grids)

# (total, active) parameters in billions: dense models of several sizes, and mixture-of-experts models.
CASES = {
    "dense-1b": (1.0, 1.0),
    "dense-8b": (8.0, 8.0),
    "dense-70b": (70.0, 70.0),
    "dense-405b": (405.0, 405.0),
    "moe-47b-13b": (46.7, 12.9),
    "moe-141b-39b": (141.0, 39.0),
    "moe-671b-37b": (671.0, 37.0),
}


def _model(total_b: float, active_b: float) -> Model:
    active = Figure(active_b * 1e9) if active_b != total_b else None
    return Model(
        id="case",
        name="Case",
        path="case.yaml",
        data={},
        domains=("language",),
        parameters=Figure(total_b * 1e9),
        active_parameters=active,
        openness={"weights": Status("open")},
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_registry_estimate_equals_ecologits_within_2_percent(case: str) -> None:
    total_b, active_b = CASES[case]
    ours = estimate_energy(_model(total_b, active_b), CTX)
    assert isinstance(ours, Metric)
    pue = REG.assumptions["pue_hyperscale"].value
    theirs = ecologits_llm.compute_llm_impacts_dag(
        model_active_parameter_count=active_b,
        model_total_parameter_count=total_b,
        output_token_count=1000,
        request_latency=math.inf,
        if_electricity_mix_adpe=0.0,
        if_electricity_mix_pe=0.0,
        if_electricity_mix_gwp=0.0,
        if_electricity_mix_wue=0.0,
        datacenter_pue=pue,
        datacenter_wue=0.0,
    )
    wh_per_1000_tokens = theirs["request_energy"] * 1000  # the package gives kWh for the request's 1,000 tokens
    assert ours.value == pytest.approx(wh_per_1000_tokens, rel=0.02)


def test_mixture_of_experts_costs_its_active_parameters_not_its_total() -> None:
    moe = estimate_energy(_model(671.0, 37.0), CTX)
    dense = estimate_energy(_model(671.0, 671.0), CTX)
    assert isinstance(moe, Metric) and isinstance(dense, Metric)
    assert dense.value > 5 * moe.value
