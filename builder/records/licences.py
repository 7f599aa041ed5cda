"""Licence classes of the openness table (registry/openness.yaml): which class an SPDX expression falls in and
whether it is OSI-approved, shared by validation, derivation and the importers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Table = Mapping[str, Any]


def license_class(expression: str, table: Table) -> str | None:
    """The class of an SPDX expression: the best alternative of an OR, the worst part of an AND; None if
    unclassified."""
    found = lookups(table)
    index, ranks = found.members, found.ranks
    best: str | None = None
    for group in alternatives(expression):
        members = [index.get(i.lower()) for i in group]
        if any(m is None for m in members):
            continue
        worst = max((m for m in members if m is not None), key=ranks.__getitem__)
        if best is None or ranks[worst] < ranks[best]:
            best = worst
    return best


def osi_approved(expression: str, table: Table) -> bool:
    """Whether some alternative of an SPDX expression consists only of OSI-approved licences."""
    approved = lookups(table).approved
    return any(all(i.lower() in approved for i in group) for group in alternatives(expression))


def alternatives(expression: str) -> list[list[str]]:
    """An SPDX expression (no parentheses, as the schema allows) as OR-alternatives of AND-ed licence ids, exceptions
    dropped."""
    out: list[list[str]] = []
    for alternative in expression.split(" OR "):
        out.append([part.split(" WITH ")[0].strip() for part in alternative.split(" AND ")])
    return out


@dataclass(frozen=True)
class Lookups:
    """What scoring looks up in the openness table: licence classes by id, their ranks, each licence id's class
    (lower case, as SPDX ids match without regard to case) and the OSI-approved ids."""

    classes: Mapping[str, Mapping[str, Any]]
    ranks: Mapping[str, int]
    members: Mapping[str, str]
    approved: frozenset[str]


_LAST: list[tuple[Table, Lookups]] = []  # the last table's, kept with the table itself so its identity cannot be reused


def lookups(table: Table) -> Lookups:
    """The table's lookups, made once for the table every model is scored against, not for each licence of a model."""
    if _LAST and _LAST[0][0] is table:
        return _LAST[0][1]
    classes = table["license_classes"]
    found = Lookups(
        {c["id"]: c for c in classes},
        {c["id"]: c["rank"] for c in classes},
        {lic.lower(): c["id"] for c in classes for lic in c["licenses"]},
        frozenset(i.lower() for i in table["osi_approved"]["licenses"]),
    )
    _LAST[:] = [(table, found)]
    return found
