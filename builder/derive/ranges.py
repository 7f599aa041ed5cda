"""A value with its low-high range: the extreme hull, and the 90% interval propagated in log space (pure,
deterministic).

Every input of a formula is a positive quantity with a log-normal distribution: its central value is the median and
its low and high are its 5th and 95th percentiles (a source's or a grid's range, an assumption stated as a percentile
range), or they are derived from a triangular distribution with the low, central and high values as minimum, mode and
maximum (an assumption whose low and high are the extremes seen). The two halves of the distribution may differ (a
split log-normal: one spread below the median, one above). A product or quotient of independent inputs is a sum of
their logarithms, so its spreads add in quadrature; the same input met twice (a figure used on both sides of a
quotient) is counted once, with its exponents added, so it cancels where it should. No sampling: the result is the
same at every run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z90 = 1.6448536269514722  # the standard normal's 95th percentile: a 90% interval spans median x exp(+/- Z90 x sigma)
INTERVAL = 0.9

# One independent source of uncertainty: (key, exponent, sigma below the median, sigma above), sigmas of the logarithm.
Term = tuple[str, float, float, float]


def sigmas(value: float, low: float, high: float) -> tuple[float, float]:
    """The log-space spreads below and above `value` of a log-normal whose 5th and 95th percentiles are low and high."""
    down = math.log(value / low) / Z90 if 0 < low < value else (0.0 if low >= value else math.inf)
    up = math.log(high / value) / Z90 if high > value > 0 else 0.0
    return down, up


def triangular_percentiles(low: float, mode: float, high: float, p: float = (1 - INTERVAL) / 2) -> tuple[float, float]:
    """The p and 1-p quantiles of a triangular distribution over low..high with its peak at mode."""
    if high <= low:
        return low, high
    width = high - low
    cut = (mode - low) / width
    lower = low + math.sqrt(p * width * (mode - low)) if p < cut else high - math.sqrt((1 - p) * width * (high - mode))
    upper = (
        high - math.sqrt(p * width * (high - mode)) if 1 - p > cut else low + math.sqrt((1 - p) * width * (mode - low))
    )
    return lower, upper


@dataclass(frozen=True)
class Range:
    """value with low <= value <= high; all three positive in every use the registry makes.

    `low` and `high` are the 90% interval; `hull_low` and `hull_high` the extremes (every input at its own low or high).
    `terms` are the independent sources of uncertainty the interval is propagated from.
    """

    value: float
    low: float
    high: float
    hull_low: float | None = None
    hull_high: float | None = None
    terms: tuple[Term, ...] = ()
    var_down: float = (
        0.0  # the sums of the terms' squared spreads below and above: kept, as most products add disjoint terms
    )
    var_up: float = 0.0

    @classmethod
    def exact(cls, value: float) -> Range:
        return cls(value, value, value, value, value)

    @classmethod
    def lognormal(
        cls, key: str, value: float, low: float, high: float, hull: tuple[float, float] | None = None
    ) -> Range:
        """An input whose 5th and 95th percentiles are low and high (the hull: its extremes, when they are known)."""
        down, up = sigmas(value, low, high)
        lo, hi = hull if hull is not None else (low, high)
        return cls(value, low, high, lo, hi, ((key, 1.0, down, up),) if down or up else (), down * down, up * up)

    @classmethod
    def triangular(cls, key: str, value: float, low: float, high: float) -> Range:
        """An input whose low, value and high are the minimum, mode and maximum of a triangular distribution."""
        p5, p95 = triangular_percentiles(low, value, high)
        return cls.lognormal(key, value, min(p5, value), max(p95, value), (low, high))

    @property
    def hull(self) -> tuple[float, float]:
        return (
            self.low if self.hull_low is None else self.hull_low,
            self.high if self.hull_high is None else self.hull_high,
        )

    def __mul__(self, other: Range | float) -> Range:
        if not isinstance(other, Range):
            return self._scaled(other)
        (a, b), (c, d) = self.hull, other.hull
        return _combine(self.value * other.value, a * c, b * d, self, other, 1.0)

    def __truediv__(self, other: Range | float) -> Range:
        if not isinstance(other, Range):
            return self._scaled(1 / other)
        (a, b), (c, d) = self.hull, other.hull
        return _combine(self.value / other.value, a / d if d else math.inf, b / c if c else math.inf, self, other, -1.0)

    def _scaled(self, factor: float) -> Range:
        lo, hi = self.hull
        return Range(
            self.value * factor,
            self.low * factor,
            self.high * factor,
            lo * factor,
            hi * factor,
            self.terms,
            self.var_down,
            self.var_up,
        )

    def plus(self, other: Range) -> Range:
        """A sum of two terms that share their uncertainty (both grow with the same energy): ends add, like the hull."""
        (a, b), (c, d) = self.hull, other.hull
        return Range(self.value + other.value, self.low + other.low, self.high + other.high, a + c, b + d)


def _combine(value: float, hull_low: float, hull_high: float, mine: Range, theirs: Range, sign: float) -> Range:
    """value x (other ^ sign) with the terms of both merged by key, and the 90% interval they give."""
    if not theirs.terms:
        terms, down, up = mine.terms, mine.var_down, mine.var_up
    else:
        keys = {t[0] for t in mine.terms}
        if not any(t[0] in keys for t in theirs.terms):
            if sign > 0:
                terms, down, up = (
                    mine.terms + theirs.terms,
                    mine.var_down + theirs.var_down,
                    mine.var_up + theirs.var_up,
                )
            else:
                terms = mine.terms + tuple((key, -e, lo, hi) for key, e, lo, hi in theirs.terms)
                down, up = mine.var_down + theirs.var_up, mine.var_up + theirs.var_down
        else:
            terms, down, up = _merged(mine.terms, theirs.terms, sign)
    low, high = value * math.exp(-Z90 * math.sqrt(down)), value * math.exp(Z90 * math.sqrt(up))
    return Range(value, max(low, hull_low), min(high, hull_high), hull_low, hull_high, terms, down, up)


def _merged(mine: tuple[Term, ...], theirs: tuple[Term, ...], sign: float) -> tuple[tuple[Term, ...], float, float]:
    """Terms sharing keys added by exponent (an input met twice counts once, and cancels across a quotient), and
    their sums."""
    merged: dict[str, list[float]] = {key: [e, lo, hi] for key, e, lo, hi in mine}
    for key, e, lo, hi in theirs:
        found = merged.get(key)
        if found is None:
            merged[key] = [sign * e, lo, hi]
        else:
            found[0] += sign * e
    terms = tuple((key, e, lo, hi) for key, (e, lo, hi) in merged.items() if e)
    down = up = 0.0
    for _, e, lo, hi in terms:
        if e > 0:
            down += (e * lo) ** 2
            up += (e * hi) ** 2
        else:
            down += (e * hi) ** 2
            up += (e * lo) ** 2
    return terms, down, up
