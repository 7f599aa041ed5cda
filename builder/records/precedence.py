"""The source precedence table (registry/precedence.yaml): which tier a cited source is in, and so which value wins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tier:
    """Where a source ranks (0 first) and what it is called; `upstream` names the rule that matched, if any."""

    rank: int
    label: str
    upstream: str


class Precedence:
    """A source's tier from the first matching rule (source id or URL prefix), else the default tier; without a
    table, one tier."""

    def __init__(self, table: Mapping[str, Any] | None) -> None:
        table = table or {}
        tiers = table.get("tiers") or [{"id": "any", "label": "source"}]
        self.ranks = {t["id"]: (i, t["label"]) for i, t in enumerate(tiers)}
        self.rules = list(table.get("rules") or ())
        self.default = table.get("default_tier") or tiers[0]["id"]

    def tier(self, source_id: str, url: str | None = None) -> Tier:
        for rule in self.rules:
            if source_id in rule.get("source_ids", ()) or (
                url and any(url.startswith(p) for p in rule.get("url_prefixes", ()))
            ):
                return self._tier(rule["tier"], rule["name"])
        return self._tier(self.default, "")

    def best(self, ids: Sequence[str], urls: Mapping[str, str]) -> Tier:
        """The highest-ranking tier among a value's sources (a value several sources give is as strong as the best of
        them)."""
        tiers = [self.tier(i, urls.get(i)) for i in ids] or [self._tier(self.default, "")]
        return min(tiers, key=lambda t: t.rank)

    def _tier(self, tier_id: str, upstream: str) -> Tier:
        rank, label = self.ranks.get(tier_id, (len(self.ranks), tier_id))
        return Tier(rank, label, upstream)
