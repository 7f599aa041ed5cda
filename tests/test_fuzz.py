"""Property-based fuzzing of the loader and validator: only the registry's own diagnostics, never another exception."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.load import checks
from builder.load.schemas import Schemas
from builder.load.yamlfile import Locator, YamlProblem, parse

BASE = Path(__file__).parent / "fixtures" / "base"
VALID_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(BASE.glob("*/*.yaml"))] + [
    p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "fixtures" / "valid").glob("*/*.yaml"))
]
SCHEMAS = Schemas()
KIND_OF = {"models": "model", "hardware": "hardware", "grids": "grid", "organizations": "organization"}
VALID_DATA = [
    (KIND_OF[p.parent.name], parse(p.read_text(encoding="utf-8")))
    for p in sorted(BASE.glob("*/*.yaml"))
    if p.parent.name in KIND_OF
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)),
    max_leaves=8,
)


def _check_text(text: str) -> None:
    """Parse, validate and locate like the registry does; only YamlProblem may escape."""
    try:
        data = parse(text)
    except YamlProblem as problem:
        assert problem.line >= 0 and problem.message
        return
    for kind in ("model", "hardware", "grid", "organization", "claim"):
        for p in [*SCHEMAS.check(kind, data, "x.yaml"), *checks.check_within_file("x.yaml", data)]:
            assert p.message and "Traceback" not in p.message
            Locator(text).at(p.pointer)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(VALID_TEXTS),
    position=st.integers(0, 10_000),
    insert=st.text(max_size=8),
    cut=st.integers(0, 6),
)
def test_mutated_text_gives_diagnostics_only(base: str, position: int, insert: str, cut: int) -> None:
    at = position % (len(base) + 1)
    _check_text(base[:at] + insert + base[at + cut :])


YAML_PIECES = st.sampled_from(
    [
        "!!int ",
        "!!bool ",
        "!!float ",
        "!!seq ",
        "!!map ",
        "!!str ",
        "! ",
        "!x ",
        "&a ",
        "*a",
        "? ",
        "<<: ",
        "- ",
        ": ",
        "{",
        "}",
        "[",
        "]",
        ", ",
        '"',
        "'",
        "|\n  ",
        ">-\n  ",
        "#",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "\n  ",
        "\t",
        ".inf",
        "-.nan",
        "1e999",
        "0x1F",
        "1_0",
        "._",
        "~",
        "null",
        "true",
        "9" * 45,
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(VALID_TEXTS),
    position=st.integers(0, 10_000),
    pieces=st.lists(YAML_PIECES, min_size=1, max_size=3),
    cut=st.integers(0, 6),
)
def test_yaml_syntax_spliced_into_entries_gives_diagnostics_only(
    base: str, position: int, pieces: list[str], cut: int
) -> None:
    """Random text rarely spells YAML's own syntax (tags, anchors, flow collections, directives); these pieces do."""
    at = position % (len(base) + 1)
    _check_text(base[:at] + "".join(pieces) + base[at + cut :])


def _paths(node: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [trail]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*trail, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*trail, index))
    return found


@settings(max_examples=300, deadline=None)
@given(case=st.sampled_from(VALID_DATA), pick=st.integers(0, 10_000), replacement=values)
def test_compiled_and_full_validators_agree_on_mutated_records(
    case: tuple[str, Any], pick: int, replacement: Any
) -> None:
    """The compiled fast path never accepts what jsonschema rejects (it would hide problems)."""
    kind, data = case
    mutated = copy.deepcopy(data)
    paths = [p for p in _paths(mutated) if p]
    path = paths[pick % len(paths)]
    parent = mutated
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = replacement
    full = list(SCHEMAS.validators[kind].iter_errors(mutated))
    fast_ok = True
    try:
        SCHEMAS.fast(kind)(mutated)
    except Exception:  # the compiled validator's own exception type
        fast_ok = False
    assert fast_ok == (not full), (path, replacement, [e.message for e in full])
