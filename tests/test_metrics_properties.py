"""Properties that must hold for any inputs: proportionality, ordered ranges, and no silent zeros."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.derive import derived
from builder.derive.metrics import Context, derive
from builder.export import bundle as exports
from builder.load import loader as registry
from builder.records import construct

BASE = Path(__file__).parent / "fixtures" / "base"
REG = registry.load(BASE).require()
CTX = Context(REG.assumptions, REG.hardware, REG.grids)
SOURCE = {"id": "s", "title": "S", "url": "https://example.org"}

positive = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=1, max_value=100_000)


def _model(training: dict[str, object], **top: object) -> construct.Model:
    return construct.model(
        {"id": "m", "name": "M", "released": "2021", "training": training, "sources": [SOURCE], **top}, "m.yaml"
    )


@settings(max_examples=60, deadline=None)
@given(count=counts, hours=positive, power=st.one_of(st.none(), positive), country=st.sampled_from([None, "FR"]))
def test_doubling_accelerators_doubles_energy_and_emissions(
    count: int, hours: float, power: float | None, country: str | None
) -> None:
    training: dict[str, object] = {"accelerator": "example-gpu", "duration_hours": hours}
    if power is not None:
        training["average_power_w"] = power
    if country:
        training["location"] = {"country": country}
    one = derive(_model({**training, "accelerator_count": count}), CTX).metrics
    two = derive(_model({**training, "accelerator_count": 2 * count}), CTX).metrics
    for name in ("it_energy_mwh", "energy_mwh", "emissions_tco2e"):
        assert abs(two[name].value / one[name].value - 2) < 1e-9
        assert abs(two[name].high / one[name].high - 2) < 1e-9


@settings(max_examples=80, deadline=None)
@given(
    params=st.one_of(st.none(), positive),
    tokens=st.one_of(st.none(), positive),
    hours=st.one_of(st.none(), positive),
    util=st.one_of(st.none(), st.floats(min_value=0.01, max_value=1)),
    named=st.booleans(),
)
def test_ranges_are_ordered_and_nothing_is_silently_zero(
    params: float | None, tokens: float | None, hours: float | None, util: float | None, named: bool
) -> None:
    training: dict[str, object] = {}
    for key, value in (("tokens", tokens), ("accelerator_hours", hours), ("utilization", util)):
        if value is not None:
            training[key] = value
    if named:
        training["accelerator"] = "example-gpu"
    top = {"parameters": params * 1e6} if params is not None else {}
    d = derive(_model(training, **top), CTX)
    for m in d.metrics.values():
        assert 0 < m.low <= m.value <= m.high, m
    assert not set(d.metrics) & set(d.missing)


# The loader takes numbers from 1e-40 to below 1e40 in size; whatever a contributor writes within that, every derived
# figure must stay a finite number, which the JSON exports can write.
extreme = st.sampled_from([1e-40, 1e-12, 1.0, 1e12, 9.99e39])


@settings(max_examples=150, deadline=None)
@given(
    figures=st.fixed_dictionaries(
        {},
        optional={
            k: extreme
            for k in (
                "tokens",
                "compute_flop",
                "duration_hours",
                "accelerator_hours",
                "average_power_w",
                "carbon_intensity_g_per_kwh",
                "it_energy_mwh",
                "energy_mwh",
                "emissions_tco2e",
                "wue_l_per_kwh",
                "embodied_tco2e",
            )
        },
    ),
    count=st.sampled_from([None, 1, 10**39]),
    util=st.sampled_from([None, 1e-40, 1.0]),
    parameters=st.one_of(st.none(), extreme),
    energy_wh=extreme,
    queries=st.sampled_from([1e-40, 1.0, 9.99e39]),
    hardware=st.fixed_dictionaries({"tdp_w": extreme, "bf16": extreme, "memory_gb": extreme}),
)
def test_figures_at_the_loaders_bounds_derive_finite_numbers(
    figures: dict[str, float],
    count: int | None,
    util: float | None,
    parameters: float | None,
    energy_wh: float,
    queries: float,
    hardware: dict[str, float],
) -> None:
    gpu = construct.hardware(
        {
            "id": "example-gpu",
            "name": "G",
            "vendor": "V",
            "kind": "gpu",
            "released": "2020",
            "tdp_w": hardware["tdp_w"],
            "memory_gb": hardware["memory_gb"],
            "peak_flops": {"bf16": hardware["bf16"]},
            "sources": [SOURCE],
        },
        "g.yaml",
    )
    ctx = Context(REG.assumptions, {**REG.hardware, "example-gpu": gpu}, REG.grids)
    training: dict[str, object] = {
        "accelerator": "example-gpu",
        "location": {"country": "FR", "grid": "fr"},
        "pue": 5,
        **figures,
    }
    if count is not None:
        training["accelerator_count"] = count
    if util is not None:
        training["utilization"] = util
    top: dict[str, object] = {"parameters": parameters} if parameters is not None else {}
    top["inference"] = [
        {
            "query": "q",
            "kind": "measured",
            "queries": queries,
            "output_tokens": queries,
            "energy_wh": energy_wh,
            "emissions_g": energy_wh,
            "water_ml": energy_wh,
        }
    ]
    model = _model(training, **top)
    reg = dataclasses.replace(REG, hardware=ctx.hardware, models={"m": model})
    report = derived.report(model, reg, ctx)
    json.dumps(exports.model_record(report), allow_nan=False)  # raises on NaN or infinity
