"""The 90% interval propagated in log space: percentiles of each distribution, quadrature, an input met twice counted
once."""

from __future__ import annotations

import math
import random

import pytest

from builder.derive.ranges import Z90, Range, triangular_percentiles


def test_a_lognormal_input_keeps_its_5th_and_95th_percentiles() -> None:
    r = Range.lognormal("a", 10.0, 5.0, 40.0)
    assert (r.value, r.low, r.high) == (10.0, 5.0, 40.0)
    assert r.terms == (("a", 1.0, math.log(2) / Z90, math.log(4) / Z90),)


def test_triangular_percentiles_match_sampling() -> None:
    rng = random.Random(7)
    draws = sorted(rng.triangular(0.5, 2.0, 1.0) for _ in range(200_000))
    low, high = triangular_percentiles(0.5, 1.0, 2.0)
    assert low == pytest.approx(draws[10_000], rel=0.01)
    assert high == pytest.approx(draws[190_000], rel=0.01)


def test_independent_spreads_add_in_quadrature() -> None:
    a, b = Range.lognormal("a", 1.0, 0.5, 2.0), Range.lognormal("b", 1.0, 0.5, 2.0)
    product = a * b
    assert product.high == pytest.approx(2 ** math.sqrt(2))
    assert product.low == pytest.approx(0.5 ** math.sqrt(2))
    assert product.hull == (0.25, 4.0)


def test_the_same_input_on_both_sides_of_a_quotient_cancels() -> None:
    a, b = Range.lognormal("a", 3.0, 1.0, 9.0), Range.lognormal("b", 2.0, 1.0, 4.0)
    ratio = (a * b) / a
    assert (ratio.value, ratio.low, ratio.high) == pytest.approx((2.0, 1.0, 4.0))
    squared = a * a
    assert squared.high == pytest.approx(81.0)  # exponent 2 (9 x 3^2), not two independent draws (9 x 3^sqrt 2)


def test_a_quotient_swaps_the_sides_of_an_asymmetric_spread() -> None:
    a = Range.lognormal("a", 1.0, 0.5, 4.0)
    inverse = Range.exact(1.0) / a
    assert (inverse.low, inverse.high) == pytest.approx((0.25, 2.0))


def test_the_interval_matches_monte_carlo_for_a_product_of_lognormals() -> None:
    rng = random.Random(3)
    sig = (0.3, 0.5, 0.2)
    r = Range.exact(1.0)
    for i, s in enumerate(sig):
        r = r * Range.lognormal(f"x{i}", 1.0, math.exp(-Z90 * s), math.exp(Z90 * s))
    draws = sorted(math.exp(sum(rng.gauss(0, s) for s in sig)) for _ in range(100_000))
    assert r.low == pytest.approx(draws[5_000], rel=0.03)
    assert r.high == pytest.approx(draws[95_000], rel=0.03)


def test_the_interval_never_leaves_the_hull() -> None:
    r = Range.triangular("t", 1.0, 0.9, 1.1) * Range.exact(2.0)
    lo, hi = r.hull
    assert lo <= r.low <= r.value <= r.high <= hi
