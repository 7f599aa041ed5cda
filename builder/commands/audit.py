"""Conflicts between sources: every field whose record keeps another source's value in `disagrees`, which value won
and why.

The precedence table (registry/precedence.yaml) puts each cited source in a tier (primary source, curated index,
listing); the field's own value wins when its best source ranks above the other's. Within one tier, or when the other
source ranks higher, only a person's note on the disagreement decides; a conflict without one is undecided, and
`audit` exits 1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from builder.load.checks import Pointer
from builder.problems import dotted
from builder.records.precedence import Precedence, Tier
from builder.records.registry import Registry

WON = "won"
KEPT_BY_NOTE = "kept by a person's decision"
UNDECIDED = "undecided"


@dataclass(frozen=True)
class Conflict:
    """One field on which two sources disagree, with the value the record keeps and why it won (or that nothing
    decided)."""

    record: str
    path: str
    field: str
    kept: Any
    kept_sources: tuple[str, ...]
    kept_tier: Tier
    other: Any
    other_sources: tuple[str, ...]
    other_tier: Tier
    decision: str
    why: str

    @property
    def decided(self) -> bool:
        return self.decision != UNDECIDED

    def as_dict(self) -> dict[str, Any]:
        return {
            "record": self.record,
            "path": self.path,
            "field": self.field,
            "kept": self.kept,
            "kept_sources": list(self.kept_sources),
            "kept_tier": self.kept_tier.label,
            "other": self.other,
            "other_sources": list(self.other_sources),
            "other_tier": self.other_tier.label,
            "decision": self.decision,
            "why": self.why,
        }


def _refs(raw: Any) -> tuple[str, ...]:
    return (
        (raw,) if isinstance(raw, str) else tuple(r for r in raw if isinstance(r, str)) if isinstance(raw, list) else ()
    )


def _source_ids(listed: Any) -> tuple[str, ...]:
    """The ids of a `sources` list (full sources and plain ids)."""
    items = listed if isinstance(listed, list) else []
    return tuple(i if isinstance(i, str) else str(i.get("id")) for i in items if isinstance(i, (str, Mapping)))


def _disagreements(
    data: Any, pointer: Pointer = (), nearest: tuple[str, ...] = ()
) -> Iterator[tuple[Pointer, Mapping[str, Any], tuple[str, ...]]]:
    """Every field object holding a `disagrees` list, with where it is and the sources a figure without `source`
    cites (the nearest enclosing `sources` list)."""
    if isinstance(data, Mapping):
        nearest = _source_ids(data.get("sources")) or nearest
        if isinstance(data.get("disagrees"), list):
            yield pointer, data, nearest
        for key, value in data.items():
            if key not in ("disagrees", "sources"):
                yield from _disagreements(value, (*pointer, key), nearest)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _disagreements(value, (*pointer, index), nearest)


def _decide(kept: Tier, other: Tier, note: str | None) -> tuple[str, str]:
    """Which value won and why: precedence when the kept value's source ranks higher, else only a person's note."""
    if kept.rank < other.rank:
        return WON, f"precedence: a {kept.label} ranks above a {other.label}" + (f"; {note}" if note else "")
    if note:
        return KEPT_BY_NOTE, note
    if kept.rank == other.rank:
        return (
            UNDECIDED,
            f"both are a {kept.label}: precedence does not decide, and no note on the disagreement says why",
        )
    return (
        UNDECIDED,
        f"the other source, a {other.label}, ranks above the kept value's {kept.label}, and no note says why it is "
        "kept",
    )


def conflicts(registry: Registry) -> list[Conflict]:
    """Every recorded conflict between sources in the registry's models, in file and field order."""
    table = Precedence(registry.precedence)
    found: list[Conflict] = []
    for model_id in sorted(registry.models):
        model = registry.models[model_id]
        urls = {sid: s.url for sid, s in model.all_sources().items() if s.url}
        for pointer, node, nearest in _disagreements(model.data):
            kept_ids = _refs(node.get("source")) or nearest
            kept_tier = table.best(kept_ids, urls)
            for other in node["disagrees"]:
                other_ids = _refs(other.get("source"))
                other_tier = table.best(other_ids, urls)
                decision, why = _decide(kept_tier, other_tier, other.get("note"))
                found.append(
                    Conflict(
                        model_id,
                        model.path,
                        dotted(pointer),
                        node.get("value"),
                        kept_ids,
                        kept_tier,
                        other.get("value"),
                        other_ids,
                        other_tier,
                        decision,
                        why,
                    )
                )
    return found


def _value(value: Any) -> str:
    """A value as printed: a number with its significant digits, a status quoted."""
    return f"{value:,.6g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)


def _named(ids: Sequence[str], tier: Tier) -> str:
    return f"{', '.join(ids) or 'the record'} ({tier.label}{', ' + tier.upstream if tier.upstream else ''})"


def text(found: Sequence[Conflict]) -> str:
    """One block per conflict: the field, both values with their sources and tiers, which won and why; then a
    summary."""
    lines: list[str] = []
    for c in found:
        lines.append(f"{c.path}: {c.field}")
        lines.append(f"  kept:  {_value(c.kept)} from {_named(c.kept_sources, c.kept_tier)}")
        lines.append(f"  other: {_value(c.other)} from {_named(c.other_sources, c.other_tier)}")
        lines.append(f"  {c.decision}: {c.why}")
    open_count = sum(not c.decided for c in found)
    lines.append(f"{len(found)} conflict{'' if len(found) == 1 else 's'} between sources, {open_count} undecided")
    return "\n".join(lines) + "\n"
