"""The strict loader: what it accepts as plain data and what it rejects with a position."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.load.yamlfile import MAX_BYTES, MAX_DEPTH, Locator, YamlProblem, decode, parse, read


def _fails(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        parse(text)
    return info.value


def test_dates_stay_strings_and_norway_stays_a_country() -> None:
    data = parse("released: 2023-02-01\ncountry: NO\nflag: yes\n")
    assert data == {"released": "2023-02-01", "country": "NO", "flag": "yes"}


def test_numbers_in_scientific_notation_and_with_underscores() -> None:
    data = parse("a: 366e9\nb: 1.5E+22\nc: 1_000\nd: -2\ne: 0x10\n")
    assert data == {"a": 366e9, "b": 1.5e22, "c": 1000, "d": -2, "e": "0x10"}
    assert isinstance(data["c"], int)


def test_billion_laughs_is_rejected_before_expansion() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    problem = _fails("\n".join(lines))
    assert problem.code == "yaml-anchor"
    assert (problem.line, problem.column) == (1, 4)


def test_infinity_is_rejected() -> None:
    assert _fails("x: -.inf").code == "yaml-number"


def test_huge_float_that_overflows_is_rejected() -> None:
    assert _fails("x: 1e999").code == "yaml-number"


@pytest.mark.parametrize(
    ("text", "size"), [("x: 1e40", "large"), ("x: -1.0e+40", "large"), ("x: 1e-41", "small"), ("x: -9e-41", "small")]
)
def test_numbers_beyond_the_registrys_bounds_are_rejected_with_their_position(text: str, size: str) -> None:
    problem = _fails(text)
    assert (
        problem.code == "yaml-number" and f"too {size}" in problem.message and (problem.line, problem.column) == (1, 4)
    )


def test_numbers_within_the_bounds_and_zero_are_read() -> None:
    assert parse("[9.99e39, -9.99e+39, 1e-40, 0.0, -0.0, 0, 9999999999999999999999999999999999999999]") == [
        9.99e39,
        -9.99e39,
        1e-40,
        0.0,
        0.0,
        0,
        10**40 - 1,
    ]


def test_python_tags_are_rejected() -> None:
    problem = _fails("x: !!python/object/apply:os.system ['true']")
    assert problem.code == "yaml-tag"


@pytest.mark.parametrize(
    "text",
    [
        "x: !!int abc",
        "x: !!bool maybe",
        "x: !!float many",
        "x: !!seq one",
        "x: !!str 12",
        "x: ! 12",
        "!!map [1]",
        "x: !!timestamp 2020-01-01",
    ],
)
def test_every_explicit_tag_is_rejected_with_its_position(text: str) -> None:
    problem = _fails(text)
    assert problem.code == "yaml-tag" and problem.message.startswith("the tag ")
    assert (problem.line, problem.column) == ((1, 4) if text.startswith("x:") else (1, 1))


def test_what_only_looks_like_a_number_stays_text() -> None:
    assert parse("a: ._\nb: 1_0.5\nc: <<\nd: 1:20\n") == {"a": "._", "b": 10.5, "c": "<<", "d": "1:20"}


def test_nesting_deeper_than_the_limit_is_rejected() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2)) + "  " * (MAX_DEPTH + 2) + "v: 1\n"
    assert _fails(text).code == "yaml-depth"


def test_bom_is_rejected_at_the_start() -> None:
    with pytest.raises(YamlProblem) as info:
        decode(b"\xef\xbb\xbfid: x\n")
    assert (info.value.code, info.value.line, info.value.column) == ("file-bom", 1, 1)


def test_crlf_is_rejected_with_its_line() -> None:
    with pytest.raises(YamlProblem) as info:
        decode(b"id: x\nname: y\r\n")
    assert (info.value.code, info.value.line) == ("file-line-ends", 2)


def test_non_utf8_byte_is_located() -> None:
    with pytest.raises(YamlProblem) as info:
        decode(b"id: x\nname: caf\xe9\n")
    assert (info.value.code, info.value.line, info.value.column) == ("file-encoding", 2, 10)


def test_nul_byte_is_rejected() -> None:
    with pytest.raises(YamlProblem) as info:
        decode(b"id: x\x00\n")
    assert info.value.code == "file-control-character"


def test_control_character_is_a_syntax_error_with_position() -> None:
    problem = _fails("id: x\nname: a\x07b\n")
    assert (problem.code, problem.line, problem.column) == ("file-control-character", 2, 8)


def test_oversized_file_is_rejected_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * MAX_BYTES)
    with pytest.raises(YamlProblem) as info:
        read(path)
    assert info.value.code == "file-size"


def test_locator_finds_nested_values_and_falls_back_to_the_parent() -> None:
    text = "id: x\ntraining:\n  location:\n    country: fr\nsources:\n  - id: a\n    url: b\n"
    locator = Locator(text)
    assert locator.at(("training", "location", "country")) == (4, 14)
    assert locator.at(("sources", 0, "url")) == (7, 10)
    assert locator.at(("training", "missing")) == (3, 3)
