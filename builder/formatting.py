"""Numbers as people read them (issue #22's display rules): three significant figures for values and two for range
ends, thousands separators, units chosen by size (Wh to GWh, g to t), parameters as "176 B" and compute as "2.1 ×
10²⁵ FLOP". The index's script (assets/registry.js) prints rows.json with the same rules; exports keep exact values
(see `exact`)."""

from __future__ import annotations

import math

SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
PLAIN_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
VALUE_DIGITS, RANGE_DIGITS = 3, 2
# Each family: (unit, size in the family's base unit), smallest first. A figure takes the largest unit it is at least 1
# of.
ENERGY = (("Wh", 1e-6), ("kWh", 1e-3), ("MWh", 1.0), ("GWh", 1e3))  # base: MWh
MASS = (("gCO2e", 1e-6), ("kgCO2e", 1e-3), ("tCO2e", 1.0))  # base: tCO2e
FAMILIES = {
    "Wh": (ENERGY, 1e-6),
    "kWh": (ENERGY, 1e-3),
    "MWh": (ENERGY, 1.0),
    "GWh": (ENERGY, 1e3),
    "gCO2e": (MASS, 1e-6),
    "kgCO2e": (MASS, 1e-3),
    "tCO2e": (MASS[1:], 1.0),
}  # a training footprint: kilograms at least
SCIENTIFIC = ("FLOP", "FLOP/s")  # always a power of ten beyond 10,000
PARAMETERS = "parameters"  # the pseudo-unit of a parameter count: "176 B", no unit printed
COUNT_STEPS = (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3))


def power(exponent: int) -> str:
    """10²⁵ with superscript digits."""
    return "10" + str(exponent).translate(SUPERSCRIPTS)


def rounded(x: float, places: int) -> float:
    """x rounded half away from zero to `places` decimals (negative: tens, hundreds), as the index's script rounds."""
    if places >= 0:
        factor = 10.0**places
        return math.copysign(math.floor(abs(x) * factor + 0.5) / factor, x)
    factor = 10.0**-places  # a power of ten above one is exact; its inverse is not, and differs between languages
    return math.copysign(math.floor(abs(x) / factor + 0.5) * factor, x)


def _shifted(x: float, magnitude: int) -> float:
    """x / 10**magnitude, computed as the index's script computes it."""
    return x / 10.0**magnitude if magnitude >= 0 else x * 10.0**-magnitude


def _significant(x: float, digits: int) -> tuple[str, int]:
    """The mantissa text (trailing zeros dropped) and exponent of x at `digits` significant figures."""
    magnitude = math.floor(math.log10(abs(x)))
    mantissa = f"{rounded(_shifted(x, magnitude), digits - 1):.{digits - 1}f}"
    if mantissa.lstrip("-").startswith("10"):  # 9.996 rounds up to 10.0
        magnitude += 1
        mantissa = f"{rounded(_shifted(x, magnitude), digits - 1):.{digits - 1}f}"
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa, magnitude


def scientific(x: float, digits: int = VALUE_DIGITS) -> str:
    """2.1 × 10²⁵."""
    if x == 0:
        return "0"
    mantissa, magnitude = _significant(x, digits)
    return f"{mantissa} × {power(magnitude)}"


def number(x: float | int | None, digits: int = VALUE_DIGITS) -> str:
    """1,290 / 0.0302 / 3.14 × 10²³ (beyond a billion or below a ten-thousandth); unknown stays 'unknown',
    never 0."""
    if x is None:
        return "unknown"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= 9 or magnitude <= -4:
        return scientific(x, digits)
    places = digits - 1 - magnitude  # negative: rounded to tens, hundreds...
    near = rounded(x, places)
    if near and math.floor(math.log10(abs(near))) > magnitude:  # 999.6 became 1,000: one digit fewer after the point
        places -= 1
        near = rounded(x, places)
    text = f"{near:,.{max(0, places)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def count_step(x: float) -> tuple[str, float]:
    """The suffix a count is printed with (T, B, M, K or none) and its size."""
    for suffix, size in COUNT_STEPS:
        if abs(x) >= size * 0.9995:
            return suffix, size
    return "", 1.0


def count(x: float, digits: int = VALUE_DIGITS) -> str:
    """A parameter count: 176 B, 7 B, 125 M, 1.6 T; below a thousand as it is."""
    suffix, size = count_step(x)
    return f"{number(x / size, digits)} {suffix}".strip()


def unit_for(value: float, unit: str) -> tuple[str, float]:
    """The unit a figure given in `unit` is printed in, and the factor from `unit` to it (1 for units not scaled)."""
    family = FAMILIES.get(unit)
    if family is None or value == 0:
        return unit, 1.0
    steps, size = family
    base = abs(value) * size
    chosen = steps[0]
    for step in steps:
        if base >= step[1] * 0.9995:  # 999.96 kWh prints as 1 MWh, not as "1,000 kWh"
            chosen = step
    return chosen[0], size / chosen[1]


def scaled(value: float, low: float | None, high: float | None, unit: str) -> tuple[str, str, str]:
    """A figure's value, range ('' when it has no width) and unit as printed: value at three significant figures,
    range ends at two, in the unit its value's size calls for."""
    lo = value if low is None else low
    hi = value if high is None else high
    wide = abs(hi - lo) > 1e-12 * max(abs(hi), abs(lo), 1e-300)
    if (
        unit == "tCO2e" and 0 < value < 0.9995e-3 and hi < 0.9995e-3
    ):  # a training footprint under a kilogram: not worth grams
        return "< 1", "", "kgCO2e"
    if unit == PARAMETERS:
        suffix, size = count_step(value)
        rng = f"{number(lo / size, RANGE_DIGITS)}–{number(hi / size, RANGE_DIGITS)} {suffix}".strip() if wide else ""
        return count(value), rng, ""
    if unit in SCIENTIFIC and abs(value) >= 1e4:
        rng = f"{scientific(lo, RANGE_DIGITS)}–{scientific(hi, RANGE_DIGITS)}" if wide else ""
        return scientific(value), rng, unit
    shown, factor = unit_for(value, unit)
    rng = f"{number(lo * factor, RANGE_DIGITS)}–{number(hi * factor, RANGE_DIGITS)}" if wide else ""
    return number(value * factor), rng, shown


def figure(value: float | None, unit: str = "", low: float | None = None, high: float | None = None) -> str:
    """A figure as one text: '552 tCO2e', '1.2 GWh (range 0.9–1.5)', 'unknown'."""
    if value is None:
        return "unknown"
    shown, rng, u = scaled(value, low, high, unit)
    return f"{shown} {u}".strip() + (f" (range {rng})" if rng else "")


def plain(x: float | int | None, digits: int = VALUE_DIGITS) -> str:
    """As `number`, with a terminal's power of ten (3.14e23), for the command line and the summaries it writes."""
    text = number(x, digits)
    if " × 10" not in text:
        return text
    mantissa, exponent = text.split(" × 10")
    return f"{mantissa}e{exponent.translate(PLAIN_DIGITS)}"


def span(value: float, low: float, high: float) -> str:
    """'1,290' for an exact figure, '1,290 (1,100-1,500)' for a range, as the command line prints them."""
    if math.isclose(low, high, rel_tol=1e-9) and math.isclose(low, value, rel_tol=1e-9):
        return plain(value)
    return f"{plain(value)} ({plain(low)}-{plain(high)})"


def exact(x: float | None) -> float | None:
    """A computed float without its arithmetic noise, for the exports: 12.623999999999999 is 12.624 (15 significant
    digits, the most a float always keeps, then written in shortest round-trip form). Integers and None pass
    unchanged."""
    if x is None or x.__class__ is not float or not math.isfinite(x):
        return x
    return float(f"{x:.15g}")
