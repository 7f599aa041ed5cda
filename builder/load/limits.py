"""Bounds on what validation reports, so that a hostile or broken file costs time and output in proportion to its
size."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from builder.problems import ERROR, WARNING, Problem

PROBLEMS_PER_FILE = (
    50  # beyond these, one line says how many more: a contributor fixes the first ones and validates again
)
IDS_LISTED = 10  # ids a message lists (such as the sources a file defines)
SCHEMA_ERRORS = 2 * PROBLEMS_PER_FILE  # schema problems looked for in one file (jsonschema is slow at each)
SUGGESTIONS = 10  # "did you mean" look-ups per file: each compares a name with every known one


def capped(problems: Sequence[Problem]) -> list[Problem]:
    """A file's first PROBLEMS_PER_FILE problems (errors first), and one more saying how many were left out."""
    if len(problems) <= PROBLEMS_PER_FILE:
        return list(problems)
    ordered = sorted(problems, key=lambda p: not p.is_error)  # stable: errors in the order found, then warnings
    kept, rest = ordered[:PROBLEMS_PER_FILE], ordered[PROBLEMS_PER_FILE:]
    errors = sum(p.is_error for p in rest)
    more = Problem(
        kept[0].path,
        1,
        1,
        "too-many-problems",
        f"at least {len(rest):,} more problems in this file ({errors:,} errors) "
        f"are not listed: fix the {PROBLEMS_PER_FILE} listed and validate again",
        ERROR if errors else WARNING,
        field_path="(file)",
    )
    return [*kept, more]


def listing(names: Iterable[str]) -> str:
    """At most IDS_LISTED names, sorted, then how many more there are."""
    ordered = sorted(names)
    shown = ", ".join(ordered[:IDS_LISTED])
    return shown if len(ordered) <= IDS_LISTED else f"{shown} and {len(ordered) - IDS_LISTED:,} more"
