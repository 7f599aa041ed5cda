"""Numbers for people (issue #22's display rules) and exact exports."""

from __future__ import annotations

import pytest

from builder.formatting import exact, figure, number, scaled

CASES = [
    ((2.1e25, "FLOP"), "2.1 × 10²⁵ FLOP"),
    ((1.76e11, "parameters"), "176 B"),
    ((7e9, "parameters"), "7 B"),
    ((1.25e8, "parameters"), "125 M"),
    ((1287.0, "MWh"), "1.29 GWh"),
    ((0.45, "MWh"), "450 kWh"),
    ((0.3, "Wh"), "0.3 Wh"),
    ((552.0, "tCO2e"), "552 tCO2e"),
    ((0.3, "tCO2e"), "300 kgCO2e"),
    ((0.0002, "tCO2e"), "< 1 kgCO2e"),
    ((0.0009, "tCO2e"), "< 1 kgCO2e"),
    ((1.5, "gCO2e"), "1.5 gCO2e"),
    ((12345.0, ""), "12,300"),
    ((999.96, "kWh"), "1 MWh"),
    ((5.0, "h"), "5 h"),
]


@pytest.mark.parametrize(("given", "printed"), CASES)
def test_figures_take_the_unit_their_size_calls_for(given: tuple[float, str], printed: str) -> None:
    assert figure(*given) == printed


def test_values_keep_three_significant_figures_and_range_ends_two() -> None:
    assert scaled(552.0, 441.6, 717.6, "tCO2e") == ("552", "440–720", "tCO2e")
    assert scaled(1287.0, 1000.0, 1700.0, "MWh") == ("1.29", "1–1.7", "GWh")
    assert scaled(1.76e11, 1.4e11, 2.3e11, "parameters") == ("176 B", "140–230 B", "")
    assert scaled(2.1e25, 1.7e25, 2.7e25, "FLOP") == ("2.1 × 10²⁵", "1.7 × 10²⁵–2.7 × 10²⁵", "FLOP")
    assert figure(552.0, "tCO2e", 441.6, 717.6) == "552 tCO2e (range 440–720)"
    assert (
        figure(0.00074, "tCO2e", 0.0000099, 0.014) == "0.74 kgCO2e (range 0.0099–14)"
    )  # a training footprint: never grams


def test_numbers_round_half_away_from_zero_and_never_print_zero_for_unknown() -> None:
    assert number(1.25, 2) == "1.3" and number(-1.25, 2) == "-1.3"
    assert number(999.6) == "1,000" and number(0.0302) == "0.0302"
    assert number(None) == "unknown" and figure(None, "MWh") == "unknown"
    assert number(3.14e23) == "3.14 × 10²³" and number(2.5e-5) == "2.5 × 10⁻⁵"


def test_exports_drop_arithmetic_noise_but_keep_exact_values() -> None:
    assert exact(12.623999999999999) == 12.624 and repr(exact(12.623999999999999)) == "12.624"
    assert exact(0.1 + 0.2) == 0.3
    assert exact(1.75e11) == 1.75e11 and exact(None) is None and exact(7) == 7
