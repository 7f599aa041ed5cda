"""Openness statuses that contradict each other or their licence, checked against the rules and licence classes in
registry/openness.yaml, so that a listing read as a release cannot come back through a pull request."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from builder.load.checks import Pointer, problem
from builder.problems import Problem
from builder.records.licences import license_class

Table = Mapping[str, Any]
CHECKPOINTS = "openness-checkpoints-closed"
MIXED = "openness-licence-mixed"
TABLE = "registry/openness.yaml"


def check(models: Iterable[tuple[str, Any]], table: Table) -> dict[str, list[Problem]]:
    """Problems by shown path for every model (shown path, raw data) that breaks a rule the table states."""
    found: dict[str, list[Problem]] = defaultdict(list)
    rules = table.get("consistency") or {}
    by_licence: dict[str, list[tuple[str, str, Pointer, str]]] = defaultdict(list)
    for shown, data in models:
        openness = data.get("openness") if isinstance(data, Mapping) else None
        if not isinstance(openness, Mapping):
            continue
        weights, where = _status(openness, "weights")
        found[shown] += _checkpoints(shown, openness, weights, rules.get("closed_weights"))
        licence, _ = _status(openness, "weights_license")
        if weights is None or licence is None:
            continue
        cls = license_class(licence, table)
        if cls is None:
            by_licence[licence.lower()].append((shown, weights, where, licence))
        else:
            found[shown] += _against_class(shown, weights, where, licence, cls, table)
    for shown, p in _mixed(by_licence, rules.get("mixed_weights")):
        found[shown].append(p)
    return {k: v for k, v in found.items() if v}


def _status(openness: Mapping[str, Any], name: str) -> tuple[str | None, Pointer]:
    """A status or licence value, and the pointer to the value itself (a diagnostic then points at the offending
    word)."""
    raw = openness.get(name)
    if isinstance(raw, Mapping):
        value = raw.get("value")
        return (value if isinstance(value, str) else None), ("openness", name, "value")
    return (raw if isinstance(raw, str) else None), ("openness", name)


def _checkpoints(
    shown: str, openness: Mapping[str, Any], weights: str | None, rule: Mapping[str, Any] | None
) -> list[Problem]:
    """Released checkpoints next to final weights nobody can download: one of the two is wrong."""
    checkpoints, where = _status(openness, "checkpoints")
    if rule is None or checkpoints != "released" or weights not in rule["values"]:
        return []
    return [
        problem(
            shown,
            CHECKPOINTS,
            where,
            f"checkpoints are 'released' but weights are '{weights}': intermediate checkpoints cannot be public when "
            "the final weights are not. Fix: set checkpoints to unknown, or undisclosed where a source says they "
            "are withheld; keep released only with a source that links the checkpoints, and then correct weights "
            f"(rule {CHECKPOINTS}, {TABLE} consistency.closed_weights)",
        )
    ]


def _against_class(shown: str, weights: str, where: Pointer, licence: str, cls: str, table: Table) -> list[Problem]:
    """Weights whose status the class of their own licence contradicts (restricted under Apache-2.0, open under
    Llama)."""
    entry = next(c for c in table["license_classes"] if c["id"] == cls)
    if weights not in entry.get("weights_contradicts", []):
        return []
    code = f"openness-{cls}-weights"
    wanted = entry.get("weights_when_downloadable")
    fix = (
        f"set weights to {wanted} (gated when a sign-up stands in the way, unreleased when nobody can download them)"
        if wanted
        else "set weights to the status a source shows (unknown when none does)"
    )
    return [
        problem(
            shown,
            code,
            where,
            f"weights are '{weights}' but weights_license {licence} is in the class {cls}: "
            f"{entry.get('weights_rationale', '').strip()} Fix: {fix}, or correct weights_license "
            f"(rule {code}, {TABLE} license_classes)",
        )
    ]


def _mixed(
    by_licence: Mapping[str, list[tuple[str, str, Pointer, str]]], rule: Mapping[str, Any] | None
) -> Iterable[tuple[str, Problem]]:
    """Records giving a licence no class lists a different weights status than most records with that licence."""
    if rule is None:
        return
    watched = set(rule["values"])
    for uses in by_licence.values():
        seen = [u for u in uses if u[1] in watched]
        counts = Counter(u[1] for u in seen)
        if len(counts) < 2:
            continue
        top = counts.most_common()
        majority = top[0][0] if top[0][1] > top[1][1] else None
        for shown, weights, where, licence in seen:
            if weights == majority:
                continue
            others = sorted({s.rsplit("/", 1)[-1].removesuffix(".yaml") for s, w, _, _ in seen if w != weights})
            listed = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
            yield (
                shown,
                problem(
                    shown,
                    MIXED,
                    where,
                    f"weights are '{weights}' under {licence}, which is '{_other(counts, weights)}' on {listed} "
                    "(one licence cannot make weights both free to use and use-restricted). "
                    f"Fix: add {licence} to the licence class its terms belong to in {TABLE} license_classes, "
                    f"then set each model's weights to the status that class gives (rule {MIXED})",
                ),
            )


def _other(counts: Counter[str], mine: str) -> str:
    """The status the other records give (the most common one that is not this record's)."""
    return next(s for s, _ in counts.most_common() if s != mine)
