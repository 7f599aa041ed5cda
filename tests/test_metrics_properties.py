"""Properties that must hold for any inputs: proportionality, ordered ranges, and no silent zeros."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builder import construct, registry
from builder.metrics import Context, derive

BASE = Path(__file__).parent / "fixtures" / "base"
REG = registry.load(BASE).require()
CTX = Context(REG.assumptions, REG.hardware, REG.grids)
SOURCE = {"id": "s", "title": "S", "url": "https://example.org"}

positive = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=1, max_value=100_000)


def _model(training: dict[str, object], **top: object) -> construct.Model:
    return construct.model({"id": "m", "name": "M", "released": "2021", "training": training, "sources": [SOURCE], **top}, "m.yaml")


@settings(max_examples=60, deadline=None)
@given(count=counts, hours=positive, power=st.one_of(st.none(), positive), country=st.sampled_from([None, "FR"]))
def test_doubling_accelerators_doubles_energy_and_emissions(count: int, hours: float, power: float | None, country: str | None) -> None:
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
@given(params=st.one_of(st.none(), positive), tokens=st.one_of(st.none(), positive), hours=st.one_of(st.none(), positive),
       util=st.one_of(st.none(), st.floats(min_value=0.01, max_value=1)), named=st.booleans())
def test_ranges_are_ordered_and_nothing_is_silently_zero(params: float | None, tokens: float | None, hours: float | None,
                                                         util: float | None, named: bool) -> None:
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
