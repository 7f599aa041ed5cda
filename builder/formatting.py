"""Numbers as people read them: three significant figures, thousands separators, powers of ten for the huge."""

from __future__ import annotations

import math


def number(x: float | int | None, digits: int = 3) -> str:
    """1,287 / 0.0302 / 3.14e23; unknown stays 'unknown', never 0."""
    if x is None:
        return "unknown"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= 9 or magnitude <= -4:
        mantissa = x / 10**magnitude
        text = f"{mantissa:.{digits - 1}f}".rstrip("0").rstrip(".")
        if text in ("10", "-10"):
            text, magnitude = text[:-1], magnitude + 1
        return f"{text}e{magnitude}"
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(x, decimals)
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def span(value: float, low: float, high: float) -> str:
    """'1,287' for an exact figure, '1,287 (1,100-1,500)' for a range."""
    if math.isclose(low, high, rel_tol=1e-9) and math.isclose(low, value, rel_tol=1e-9):
        return number(value)
    return f"{number(value)} ({number(low)}-{number(high)})"
