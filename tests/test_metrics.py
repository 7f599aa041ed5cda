"""Derived metrics: each path computed by hand, ranges that propagate, and unknown that never becomes 0."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder.derive.metrics import Context, Derived, derive
from builder.load import loader as registry
from builder.records import construct
from builder.records.registry import Registry


def _edit(base: Path, old: str, new: str) -> None:
    path = base / "models" / "example-model.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _derive(base: Path) -> Derived:
    reg: Registry = registry.load(base).require()
    return derive(reg.models["example-model"], Context(reg.assumptions, reg.hardware, reg.grids))


def test_reported_figures_keep_their_source_and_get_an_independent_estimate(base_registry: Path) -> None:
    d = _derive(base_registry)
    hours = d.metrics["accelerator_hours"]
    assert (hours.method, hours.value, hours.sources) == ("reported", 800, ("paper",))
    assert hours.estimate is not None and hours.estimate.value == 800 and hours.estimate.path == "count x duration"
    emissions = d.metrics["emissions_tco2e"]
    assert emissions.method == "reported" and emissions.value == 0.02
    assert emissions.estimate is not None
    assert emissions.estimate.value == pytest.approx(800 * 300 / 1e6 * 1.2 * 57 / 1000)


def test_compute_from_six_n_d(base_registry: Path) -> None:
    compute = _derive(base_registry).metrics["compute_flop"]
    assert (compute.method, compute.path) == ("estimated", "6ND")
    assert compute.value == pytest.approx(6 * 1e9 * 2e10)
    assert "6 x parameters x tokens" in compute.formula


def test_compute_uses_active_parameters_for_mixture_of_experts(base_registry: Path) -> None:
    _edit(
        base_registry,
        "parameters: {value: 1.0e+9, source: paper}",
        "parameters: {value: 1.0e+9, source: paper}\nactive_parameters: 2.5e+8",
    )
    compute = _derive(base_registry).metrics["compute_flop"]
    assert compute.value == pytest.approx(6 * 2.5e8 * 2e10)
    assert "active_parameters" in compute.formula and "mixture-of-experts" in compute.formula


def test_energy_from_hours_and_published_power_then_pue(base_registry: Path) -> None:
    d = _derive(base_registry)
    assert d.metrics["it_energy_mwh"].value == pytest.approx(0.24)
    energy = d.metrics["energy_mwh"]
    assert energy.value == pytest.approx(0.288) and energy.path == "IT energy x PUE"
    assert d.metrics["carbon_intensity_g_per_kwh"].path == "grid"
    assert d.metrics["carbon_intensity_g_per_kwh"].value == 57


def test_tdp_share_range_propagates_when_power_is_unknown(base_registry: Path) -> None:
    _edit(base_registry, "  average_power_w: 300\n", "")
    it = _derive(base_registry).metrics["it_energy_mwh"]
    assert (it.value, *it.hull) == pytest.approx((800 * 400 * 0.75 / 1e6, 800 * 400 * 0.5 / 1e6, 800 * 400 * 1.0 / 1e6))
    # The only uncertain input is the share, triangular over 0.5-1.0 with its mode at 0.75: its 5th percentile is
    # 0.5 + sqrt(0.05 x 0.5 x 0.25) and its 95th 1.0 - the same, so the 90% range is those times the exact inputs.
    tail = (0.05 * 0.5 * 0.25) ** 0.5
    assert (it.low, it.high) == pytest.approx((800 * 400 * (0.5 + tail) / 1e6, 800 * 400 * (1.0 - tail) / 1e6))
    assert {i.origin for i in it.inputs} == {"reported", "assumption"}
    share = next(i for i in it.inputs if i.name == "power_share_of_tdp")
    assert (share.ref, share.rule) == ("power_share_of_tdp_gpu", "accelerator kind 'gpu'")


def test_compute_path_when_hours_are_unknown(base_registry: Path) -> None:
    for line in ("  accelerator_count: 8\n", "  duration_hours: 100\n", "  accelerator_hours: 800\n"):
        _edit(base_registry, line, "")
    d = _derive(base_registry)
    it = d.metrics["it_energy_mwh"]
    assert it.path == "compute / efficiency"
    assert it.value == pytest.approx(1.2e20 / (3.12e14 * 0.4) * 300 / 3.6e9)
    assert it.hull[0] == pytest.approx(1.2e20 / (3.12e14 * 0.5) * 300 / 3.6e9)
    assert it.hull[0] < it.low < it.value < it.high < it.hull[1]
    assert "accelerator_hours" in d.missing


def test_era_hardware_range_when_no_accelerator_is_named(base_registry: Path) -> None:
    for line in (
        "  accelerator: example-gpu\n",
        "  accelerator_count: 8\n",
        "  duration_hours: 100\n",
        "  accelerator_hours: 800\n",
    ):
        _edit(base_registry, line, "")
    it = _derive(base_registry).metrics["it_energy_mwh"]
    assert it.path == "compute / hardware of the era"
    efficiency = 3.12e14 / 400
    assert it.value == pytest.approx(1.2e20 / (efficiency * 0.4) * 0.75 / 3.6e9)
    assert it.hull == pytest.approx(
        (1.2e20 / (efficiency * 0.5) * 0.5 / 3.6e9, 1.2e20 / (efficiency * 0.2) * 1.0 / 3.6e9)
    )


def test_models_sharing_a_context_get_the_era_at_their_own_precision(base_registry: Path) -> None:
    for line in (
        "  accelerator: example-gpu\n",
        "  accelerator_count: 8\n",
        "  duration_hours: 100\n",
        "  accelerator_hours: 800\n",
    ):
        _edit(base_registry, line, "")
    reg = registry.load(base_registry).require()
    ctx = Context(reg.assumptions, reg.hardware, reg.grids)
    bf16 = derive(reg.models["example-model"], ctx).metrics["it_energy_mwh"]
    _edit(base_registry, "training:\n", "training:\n  precision: fp32\n")
    fp32 = derive(registry.load(base_registry).require().models["example-model"], ctx).metrics["it_energy_mwh"]
    assert bf16.value == pytest.approx(1.2e20 / (3.12e14 / 400 * 0.4) * 0.75 / 3.6e9)
    assert fp32.value == pytest.approx(1.2e20 / (1.95e13 / 400 * 0.4) * 0.75 / 3.6e9)


def test_world_average_when_location_is_unknown(base_registry: Path) -> None:
    _edit(base_registry, "  location: {country: FR, grid: fr}\n", "")
    ci = _derive(base_registry).metrics["carbon_intensity_g_per_kwh"]
    assert (ci.path, ci.value, ci.hull) == ("world average", 500, (100, 900))
    # triangular 100-900 with its mode at 500: 5th and 95th percentiles 100 + sqrt(0.05 x 800 x 400) and 900 - the same
    assert (ci.low, ci.high) == pytest.approx((100 + (0.05 * 800 * 400) ** 0.5, 900 - (0.05 * 800 * 400) ** 0.5))


def test_nearest_grid_year_is_said(base_registry: Path) -> None:
    _edit(base_registry, "released: 2022-07", "released: 2019-03")
    ci = _derive(base_registry).metrics["carbon_intensity_g_per_kwh"]
    assert "2022, the nearest year to 2019" in ci.formula


def test_pue_default_by_operator_type(base_registry: Path) -> None:
    _edit(base_registry, "  pue: 1.2\n", "")
    _edit(base_registry, "{country: FR, grid: fr}", "{country: FR, grid: fr, operator_type: hyperscale}")
    energy = _derive(base_registry).metrics["energy_mwh"]
    pue = energy.inputs[1]
    assert (pue.origin, pue.ref, pue.value) == ("assumption", "pue_hyperscale", 1.1)


def test_missing_metrics_say_why_and_are_never_zero(base_registry: Path) -> None:
    path = base_registry / "models" / "bare.yaml"
    path.write_text("id: bare\nname: Bare\nsources: [{id: s, title: S, url: 'https://example.org'}]\n")
    reg = registry.load(base_registry).require()
    d = derive(reg.models["bare"], Context(reg.assumptions, reg.hardware, reg.grids))
    assert set(d.metrics) == set()  # not even the world-average intensity: with no energy it would estimate nothing
    assert "energy is unknown" in d.missing["carbon_intensity_g_per_kwh"]
    assert (
        d.missing["compute_flop"]
        == "not both parameters and training tokens; no accelerator-hours for the hardware path"
    )
    assert "energy_mwh" in d.missing and "emissions_tco2e" in d.missing


def test_cross_check_warns_when_reported_is_far_from_estimate(base_registry: Path) -> None:
    _edit(base_registry, "emissions_tco2e: {value: 0.02", "emissions_tco2e: {value: 2")
    checks = _derive(base_registry).checks
    assert [c.code for c in checks] == ["cross-check"]
    assert checks[0].pointer == ("training", "emissions_tco2e")


def test_energy_that_excludes_pue_is_flagged(base_registry: Path) -> None:
    _edit(base_registry, "  average_power_w: 300\n", "  average_power_w: 300\n  energy_mwh: 0.24\n")
    codes = [c.code for c in _derive(base_registry).checks]
    assert "energy-without-pue" in codes


REFERENCE = yaml.safe_load((Path(__file__).parent / "fixtures" / "reference" / "published-runs.yaml").read_text())


@pytest.mark.parametrize("case", REFERENCE, ids=lambda c: c["case"])
def test_published_results_are_reproduced_from_published_inputs(case: dict[str, object], base_registry: Path) -> None:
    reg = registry.load(base_registry).require()
    source = {"id": "paper", "title": str(case["citation"]), "url": str(case["url"])}
    hardware = construct.hardware({**case["hardware"], "sources": [source]}, "hw.yaml")  # type: ignore[dict-item]
    model = construct.model(
        {"id": "run", "name": case["model"], "training": case["training"], "sources": [source]}, "run.yaml"
    )
    d = derive(model, Context(reg.assumptions, {"hw": hardware}, {}))
    published = case["published"]
    assert isinstance(published, dict)
    if "energy_mwh" in published:
        assert d.metrics["energy_mwh"].value == pytest.approx(published["energy_mwh"], rel=0.015)
    if "it_energy_mwh" in published:
        assert d.metrics["it_energy_mwh"].value == pytest.approx(published["it_energy_mwh"], rel=0.015)
    if "emissions_tco2e" in published:
        assert d.metrics["emissions_tco2e"].value == pytest.approx(published["emissions_tco2e"], rel=0.015)
    if "emissions_tco2e_without_pue" in published:
        dynamic = d.metrics["it_energy_mwh"].value * d.metrics["carbon_intensity_g_per_kwh"].value / 1000
        assert dynamic == pytest.approx(published["emissions_tco2e_without_pue"], rel=0.015)
    if "compute_flop" in published:
        assert d.metrics["compute_flop"].value == pytest.approx(published["compute_flop"], rel=0.015)


def _add_water_defaults(base_registry: Path) -> None:
    path = base_registry / "assumptions.yaml"
    path.write_text(
        path.read_text().replace(
            "sources:\n  - id: test-source",
            """  wue_default_l_per_kwh:
    description: On-site water per kWh of IT energy.
    unit: L/kWh
    value: 0.5
    low: 0.2
    high: 1.0
    source: test-source
  electricity_water_intensity_l_per_kwh:
    description: Off-site water per kWh of electricity.
    unit: L/kWh
    value: 3
    low: 1
    high: 5
    source: test-source
sources:
  - id: test-source""",
        )
    )


def test_water_is_estimated_on_site_plus_off_site(base_registry: Path) -> None:
    _add_water_defaults(base_registry)
    water = _derive(base_registry).metrics["water_m3"]
    assert water.path == "on-site + off-site"
    assert water.note == "scope: water-off-site, water-on-site"
    assert water.value == pytest.approx(0.24 * 0.5 + 0.288 * 3)
    assert water.hull[0] == pytest.approx(0.24 * 0.2 + 0.288 * 1)


def test_water_without_defaults_is_missing_with_a_reason(base_registry: Path) -> None:
    d = _derive(base_registry)
    assert "water_m3" not in d.metrics
    assert "no default in assumptions" in d.missing["water_m3"]


def test_water_estimate_beside_an_on_site_figure_covers_on_site_only(base_registry: Path) -> None:
    _add_water_defaults(base_registry)
    _edit(
        base_registry,
        "  average_power_w: 300\n",
        "  average_power_w: 300\n  water_m3: {value: 0.1, scope: [water-on-site]}\n",
    )
    water = _derive(base_registry).metrics["water_m3"]
    assert water.method == "reported"
    assert water.estimate is not None and water.estimate.path == "on-site"
    assert water.estimate.value == pytest.approx(0.24 * 0.5)


def test_figures_of_different_scopes_are_never_combined(base_registry: Path) -> None:
    """A fine-tune's compute including its base model's pretraining is not checked against the fine-tune's own hours,
    nor turned into energy beside them."""
    _edit(
        base_registry,
        "  tokens: 2.0e+10\n",
        "  tokens: 2.0e+10\n  compute_flop: {value: 1.0e+23, scope: with-base-model}\n",
    )
    d = _derive(base_registry)
    compute = d.metrics["compute_flop"]
    assert compute.scope == "with-base-model" and compute.estimate is None
    assert compute.note is not None and "covers with-base-model" in compute.note
    assert compute.as_dict()["scope"] == "with-base-model"
    assert not [c for c in d.checks if c.pointer == ("training", "compute_flop")]
    for line in (
        "  accelerator_count: 8\n",
        "  duration_hours: 100\n",
        "  accelerator_hours: 800\n",
        "  average_power_w: 300\n",
    ):
        _edit(base_registry, line, "")
    it = _derive(base_registry).metrics["it_energy_mwh"]
    assert it.path == "compute / efficiency" and it.scope == "with-base-model"
