"""A value with its low-high range, and the interval arithmetic that keeps uncertainty honest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """value with low <= value <= high; all three positive in every use the registry makes."""

    value: float
    low: float
    high: float

    @classmethod
    def exact(cls, value: float) -> Range:
        return cls(value, value, value)

    def __mul__(self, other: Range | float) -> Range:
        o = other if isinstance(other, Range) else Range.exact(other)
        return Range(self.value * o.value, self.low * o.low, self.high * o.high)

    def __truediv__(self, other: Range | float) -> Range:
        o = other if isinstance(other, Range) else Range.exact(other)
        return Range(self.value / o.value, self.low / o.high, self.high / o.low)

    def hull(self, other: Range) -> Range:
        """The smallest range holding both, keeping this value."""
        return Range(self.value, min(self.low, other.low), max(self.high, other.high))
