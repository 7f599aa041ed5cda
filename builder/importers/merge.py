"""Merging an imported record into an existing one without overwriting what a person wrote.

A field the import has no value for is left alone; a field the record lacks is added; a field
whose value differs is updated only when the existing value cites one of the import's own
sources (it came from an earlier run of the same import), otherwise the existing value is kept
and a conflict is reported, unless `force` takes the import. Sources, aliases and domains are
unions; grid intensities are merged entry by entry (year and source), and an imported figure the
record already gives for that year under another source (a person's `owid` entry, say) is the
same figure, not a new entry: it is left out, and so is its source when nothing else cites it.
The name is never replaced: a different upstream name becomes an alias.

With the registry's precedence table, a conflicting figure or status decides by the sources' tiers, not by import
order: the import's value is taken when its source ranks above the registry's, and either way the losing value is
kept in the field's `disagrees` list, so `python -m builder audit` shows the conflict (a tie stays for a person to
decide there).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from builder.records.precedence import Precedence

UNION_LISTS = frozenset({"aliases", "domains"})


@dataclass(frozen=True)
class Conflict:
    """A field where the registry and the import disagree; `taken` says whether --force took the import."""

    path: str
    kept: Any
    imported: Any
    taken: bool = False
    why: str = ""


@dataclass
class Merged:
    """The merged record, the dotted paths it changed and the conflicts met."""

    data: dict[str, Any]
    changes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    aliases: bool = True
    duplicated: set[str] = field(default_factory=set)
    precedence: Precedence | None = None
    urls: dict[str, str] = field(default_factory=dict)


def merge(
    existing: Mapping[str, Any],
    imported: Mapping[str, Any],
    owned: frozenset[str],
    force: bool = False,
    aliases: bool = True,
    precedence: Precedence | None = None,
) -> Merged:
    """Merge `imported` into a copy of `existing`; `owned` are the source ids the import writes (its earlier values
    may be updated).

    With `aliases` false (records without an aliases field) a different upstream name is simply left out. With
    `precedence`, a conflict is decided by the sources' tiers and recorded in the field's `disagrees` list.
    """
    result = Merged(copy.deepcopy(dict(existing)))
    result.aliases = aliases
    result.precedence = precedence
    result.urls = {**_urls(imported, {}), **_urls(existing, {})}
    before = {_source_id(s) for s in existing.get("sources") or []}
    _merge_mapping(result.data, imported, (), owned, force, result)
    _drop_uncited(result, before)
    return result


def _source_id(source: Any) -> Any:
    return source if isinstance(source, str) else source.get("id") if isinstance(source, Mapping) else None


def _refs(value: Any) -> list[str]:
    return (
        [value]
        if isinstance(value, str)
        else [r for r in value if isinstance(r, str)]
        if isinstance(value, list)
        else []
    )


def _cited(data: Any, out: set[str]) -> set[str]:
    """Every source id a record cites (`source:` of figures and entries, plain ids in `sources:` lists)."""
    if isinstance(data, Mapping):
        for k, v in data.items():
            if k == "source":
                out.update(_refs(v))
            elif k == "sources" and isinstance(v, list):
                out.update(r for r in v if isinstance(r, str))
            else:
                _cited(v, out)
    elif isinstance(data, list):
        for v in data:
            _cited(v, out)
    return out


def _drop_uncited(result: Merged, before: set[Any]) -> None:
    """Sources this merge added only for intensity entries it left out as duplicates are left out too."""
    sources = result.data.get("sources")
    if not result.duplicated or not isinstance(sources, list):
        return
    cited = _cited(result.data, set())
    keep = [
        s
        for s in sources
        if _source_id(s) in before or _source_id(s) not in result.duplicated or _source_id(s) in cited
    ]
    if len(keep) != len(sources):
        result.data["sources"] = keep
        if all(_source_id(s) in before for s in keep) and len(keep) == len(before):
            result.changes[:] = [c for c in result.changes if c != "sources"]


def _fold(name: Any) -> str:
    return re.sub(r"[^a-z0-9+]+", "", str(name).lower())


def _value(figure: Any) -> Any:
    return figure.get("value") if isinstance(figure, Mapping) else figure


def _cites(value: Any, owned: frozenset[str]) -> bool:
    if not isinstance(value, Mapping):
        return False
    ref = value.get("source")
    refs = [ref] if isinstance(ref, str) else list(ref or [])
    return any(r in owned for r in refs)


def _is_leaf_mapping(value: Any) -> bool:
    return isinstance(value, Mapping) and "value" in value


def _merge_mapping(
    target: dict[str, Any],
    incoming: Mapping[str, Any],
    path: tuple[str, ...],
    owned: frozenset[str],
    force: bool,
    result: Merged,
) -> None:
    for name, new in incoming.items():
        here = (*path, name)
        dotted = ".".join(here)
        old = target.get(name)
        if new is None:
            continue
        if old is None:
            target[name] = copy.deepcopy(new)
            result.changes.append(dotted)
        elif here == ("id",):
            continue
        elif here == ("name",):
            known = {_fold(a) for a in [old, *(target.get("aliases") or [])] if isinstance(a, str)}
            if _fold(new) not in known and result.aliases:
                _union(target, "aliases", [new], result, "aliases", exclude=old)
        elif name == "sources" and isinstance(old, list) and isinstance(new, list):
            _merge_sources(old, new, dotted, result)
        elif name in UNION_LISTS and isinstance(old, list) and isinstance(new, list):
            _union(target, name, new, result, dotted)
        elif name == "intensity" and isinstance(old, list) and isinstance(new, list):
            _merge_intensity(old, new, dotted, owned, force, result)
        elif (
            isinstance(old, Mapping)
            and isinstance(new, Mapping)
            and not _is_leaf_mapping(old)
            and not _is_leaf_mapping(new)
        ):
            _merge_mapping(old, new, here, owned, force, result)  # type: ignore[arg-type]
        elif old != new:
            _leaf(target, name, old, new, dotted, owned, force, result)


def _urls(data: Any, out: dict[str, str]) -> dict[str, str]:
    """Source id -> URL of every full source a record defines (to put a hand-cited source in its tier)."""
    if isinstance(data, Mapping):
        for k, v in data.items():
            if k == "sources" and isinstance(v, list):
                out.update(
                    {str(s["id"]): str(s["url"]) for s in v if isinstance(s, Mapping) and "id" in s and "url" in s}
                )
            else:
                _urls(v, out)
    elif isinstance(data, list):
        for v in data:
            _urls(v, out)
    return out


def _kept_disagreements(old: Any, new: Any) -> Any:
    """An updated figure keeps the disagreements a person or an earlier merge recorded on it."""
    if isinstance(old, Mapping) and isinstance(new, Mapping) and old.get("disagrees") and "disagrees" not in new:
        return {**new, "disagrees": copy.deepcopy(old["disagrees"])}
    return new


def _disagreement(figure: Mapping[str, Any]) -> dict[str, Any]:
    return {"value": figure["value"], "source": copy.deepcopy(figure["source"])}


def _with_disagreement(figure: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """The figure with `other`'s value and source in its `disagrees` list (once; its own value is never listed)."""
    out = copy.deepcopy(dict(figure))
    listed = [d for d in out.get("disagrees") or [] if d.get("value") != out.get("value")]
    entry = _disagreement(other)
    if not any(d.get("value") == entry["value"] and d.get("source") == entry["source"] for d in listed):
        listed.append(entry)
    out["disagrees"] = listed
    return out


def _by_precedence(
    target: dict[str, Any],
    name: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    dotted: str,
    force: bool,
    result: Merged,
) -> None:
    """A conflict between two sourced values: the higher tier wins (or --force takes the import), the loser is
    recorded."""
    assert result.precedence is not None
    mine = result.precedence.best(_refs(old.get("source")), result.urls)
    theirs = result.precedence.best(_refs(new.get("source")), result.urls)
    take = force or theirs.rank < mine.rank
    if take:
        why = (
            "--force"
            if force and theirs.rank >= mine.rank
            else f"precedence: a {theirs.label} ranks above a {mine.label}"
        )
        target[name] = _with_disagreement(new, old)
    else:
        why = (
            f"precedence: a {mine.label} ranks above a {theirs.label}"
            if mine.rank < theirs.rank
            else f"both are a {mine.label}: recorded in disagrees for a person to decide (builder audit)"
        )
        updated = _with_disagreement(old, new)
        if updated == old:
            return  # recorded by an earlier run: nothing new to report
        target[name] = updated
    result.changes.append(dotted)
    result.conflicts.append(Conflict(dotted, old, new, take, why))


def _sourced(value: Any) -> bool:
    return isinstance(value, Mapping) and "value" in value and bool(_refs(value.get("source")))


def _leaf(
    target: dict[str, Any],
    name: str,
    old: Any,
    new: Any,
    dotted: str,
    owned: frozenset[str],
    force: bool,
    result: Merged,
) -> None:
    if _cites(old, owned) and (_cites(new, owned) or not isinstance(new, Mapping)):
        target[name] = copy.deepcopy(_kept_disagreements(old, new))
        result.changes.append(dotted)
        return
    if _value(old) == _value(new) and (not isinstance(old, Mapping) or "value" in old):
        return
    if (
        isinstance(old, str)
        and isinstance(new, str)
        and old.startswith("https://")
        and old.rstrip("/") == new.rstrip("/")
    ):
        return  # same figure, written or cited differently by hand: keep the person's wording
    if result.precedence is not None and _sourced(old) and _sourced(new):
        _by_precedence(target, name, old, new, dotted, force, result)
        return
    result.conflicts.append(Conflict(dotted, old, new, force))
    if force:
        target[name] = copy.deepcopy(new)
        result.changes.append(dotted)


def _union(target: dict[str, Any], name: str, new: list[Any], result: Merged, dotted: str, exclude: Any = None) -> None:
    current = target.setdefault(name, [])
    added = [v for v in new if v not in current and v != exclude]
    if added:
        current.extend(added)
        result.changes.append(dotted)


def _merge_sources(old: list[Any], new: list[Any], dotted: str, result: Merged) -> None:
    known = {s if isinstance(s, str) else s.get("id") for s in old}
    added = [s for s in new if (s if isinstance(s, str) else s.get("id")) not in known]
    if added:
        old.extend(copy.deepcopy(added))
        result.changes.append(dotted)


def _merge_intensity(
    old: list[Any], new: list[Any], dotted: str, owned: frozenset[str], force: bool, result: Merged
) -> None:
    def entry_key(entry: Any) -> tuple[Any, Any]:
        if not isinstance(entry, Mapping):
            return (None, None)
        ref = entry.get("source")
        return (entry.get("year"), tuple(ref) if isinstance(ref, list) else ref)

    def same_figure(entry: Any) -> bool:
        return any(
            isinstance(e, Mapping)
            and e.get("year") == entry.get("year")
            and e.get("g_per_kwh") == entry.get("g_per_kwh")
            for e in old
        )

    where = {entry_key(e): i for i, e in enumerate(old)}
    for entry in new:
        index = where.get(entry_key(entry))
        if index is None and isinstance(entry, Mapping) and same_figure(entry):
            result.duplicated.update(
                _refs(entry.get("source"))
            )  # the same figure under another source: not a new entry
            continue
        if index is None:
            position = sum(1 for e in old if isinstance(e, Mapping) and (e.get("year") or 0) <= entry.get("year", 0))
            old.insert(position, copy.deepcopy(entry))
            where = {entry_key(e): i for i, e in enumerate(old)}
            result.changes.append(f"{dotted}[{entry.get('year')}]")
        elif old[index] != entry:
            label = f"{dotted}[{entry.get('year')}]"
            if _cites(old[index], owned) or force:
                if not _cites(old[index], owned):
                    result.conflicts.append(Conflict(label, old[index], entry, True))
                old[index] = copy.deepcopy(entry)
                result.changes.append(label)
            else:
                result.conflicts.append(Conflict(label, old[index], entry))
