"""Openness score of a model from its sourced statuses and licences, so every published number can be traced to the
table in registry/openness.yaml."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from builder.records.licences import Table, alternatives, license_class, lookups, osi_approved
from builder.records.types import Model, Status


@dataclass(frozen=True)
class FieldScore:
    """One status field of a model as scored: its value, the weight it earned (None when excluded) and its evidence."""

    field: str
    value: str
    weight: float | None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class LicenceFinding:
    """One licence field of a model and the class it falls in (None when the table does not classify it)."""

    field: str
    license: str
    license_class: str | None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpennessScore:
    """A model's openness: the capped 0-100 score, what it rests on, and the MOF class and OSAID check beside it."""

    score: float | None
    uncapped: float | None
    coverage: float
    counted: tuple[str, ...]
    license_class: str | None
    cap: float | None
    licenses: tuple[LicenceFinding, ...]
    unclassified_licenses: tuple[str, ...]
    mof_class: str | None
    mof_next: str | None
    mof_missing: tuple[str, ...]
    mof_unassessed: tuple[str, ...]
    osaid_met: bool
    osaid_reasons: tuple[str, ...]
    breakdown: tuple[FieldScore, ...]
    table_version: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for exports: the dataclass's own field names, lists for tuples (written out: a walk over
        the fields is slow for every model)."""
        return {
            "score": self.score,
            "uncapped": self.uncapped,
            "coverage": self.coverage,
            "counted": list(self.counted),
            "license_class": self.license_class,
            "cap": self.cap,
            "licenses": [
                {"field": f.field, "license": f.license, "license_class": f.license_class, "sources": list(f.sources)}
                for f in self.licenses
            ],
            "unclassified_licenses": list(self.unclassified_licenses),
            "mof_class": self.mof_class,
            "mof_next": self.mof_next,
            "mof_missing": list(self.mof_missing),
            "mof_unassessed": list(self.mof_unassessed),
            "osaid_met": self.osaid_met,
            "osaid_reasons": list(self.osaid_reasons),
            "breakdown": [
                {"field": f.field, "value": f.value, "weight": f.weight, "sources": list(f.sources)}
                for f in self.breakdown
            ],
            "table_version": self.table_version,
        }


def score(model: Model, table: Table) -> OpennessScore:
    """Score one model against the openness table; pure, so the same record and table always give the same result."""
    weights = table["status_weights"]
    excluded = set(table["excluded_statuses"]["values"])
    breakdown: list[FieldScore] = []
    total = 0.0
    counted: list[str] = []
    for name in table["status_fields"]:
        status = model.openness.get(name)
        if status is None:
            continue
        if status.value in excluded:
            breakdown.append(FieldScore(name, status.value, None, status.sources))
            continue
        if status.value not in weights:
            raise ValueError(
                f"{model.id}: openness.{name} is '{status.value}', which the openness table does not weight"
            )
        weight = float(weights[status.value]["weight"])
        breakdown.append(FieldScore(name, status.value, weight, status.sources))
        counted.append(name)
        total += weight
    uncapped = _mean(total, len(counted), len(table["status_fields"]), table.get("unknown_counts_as"))
    coverage = len(counted) / len(table["status_fields"])

    licenses = tuple(
        _licence_finding(name, status, table)
        for name in table["license_fields"]
        if (status := model.openness.get(name)) is not None
    )
    unclassified = tuple(dict.fromkeys(i for f in licenses for i in _unclassified_ids(f.license, table)))
    worst = _most_restrictive((f.license_class for f in licenses), table)
    cap = float(lookups(table).classes[worst]["cap"]) if worst is not None else None
    capped = None if uncapped is None else (min(uncapped, cap) if cap is not None else uncapped)

    mof_class, mof_next, missing, unassessed = _mof(model, table)
    osaid_reasons = tuple(reason for req in table["osaid"]["requirements"] for reason in _unmet(req, model, table))
    return OpennessScore(
        score=capped,
        uncapped=uncapped,
        coverage=coverage,
        counted=tuple(counted),
        license_class=worst,
        cap=cap,
        licenses=licenses,
        unclassified_licenses=unclassified,
        mof_class=mof_class,
        mof_next=mof_next,
        mof_missing=missing,
        mof_unassessed=unassessed,
        osaid_met=not osaid_reasons,
        osaid_reasons=osaid_reasons,
        breakdown=tuple(breakdown),
        table_version=int(table["version"]),
    )


def _mean(total: float, known: int, fields: int, unknown: Mapping[str, Any] | None) -> float | None:
    """The mean weight as a percentage: over every status field, unknown ones earning the table's weight for unknown,
    so a model with little known never outranks a documented one; over the known fields only when the table sets no
    rule."""
    if not known:
        return None
    if unknown is None:
        return 100.0 * total / known
    return 100.0 * (total + float(unknown["weight"]) * (fields - known)) / fields


def _unclassified_ids(expression: str, table: Table) -> list[str]:
    """Licence ids of an expression that no class lists, reported so a maintainer can classify them."""
    index = lookups(table).members
    return [i for group in alternatives(expression) for i in group if i.lower() not in index]


def _licence_finding(name: str, status: Status, table: Table) -> LicenceFinding:
    """One licence field with its class and evidence, for the report."""
    return LicenceFinding(name, status.value, license_class(status.value, table), status.sources)


def _most_restrictive(classes: Iterable[str | None], table: Table) -> str | None:
    """The least open of the known classes, since the tightest licence limits what people may do with the model."""
    ranks = lookups(table).ranks
    known = [c for c in classes if c is not None]
    return max(known, key=ranks.__getitem__) if known else None


def _mof(model: Model, table: Table) -> tuple[str | None, str | None, tuple[str, ...], tuple[str, ...]]:
    """Highest MOF class whose recorded components are all met, the next class, what it lacks and what cannot be
    checked."""
    reached: str | None = None
    unassessed: list[str] = []
    for cls in table["mof"]["classes"]:
        required = [c for c in cls["components"] if c["required"]]
        unassessed += [c["name"] for c in required if not c["conditions"]]
        missing = tuple(c["name"] for c in required if c["conditions"] and _unmet(c, model, table))
        if missing:
            return reached, cls["id"], missing, tuple(unassessed)
        reached = cls["id"]
    return reached, None, (), tuple(unassessed)


def _unmet(requirement: Mapping[str, Any], model: Model, table: Table) -> list[str]:
    """Why a model does not meet one requirement (status conditions and licence); empty when it does."""
    name = requirement["name"]
    reasons = [f"{name}: {reason}" for reason in _condition_failures(requirement["conditions"], model)]
    licence = requirement.get("license")
    if licence is not None:
        reasons += [f"{name}: {reason}" for reason in _licence_failures(licence, model, table)]
    return reasons


def _condition_failures(conditions: Sequence[Mapping[str, Any]], model: Model) -> list[str]:
    """Each status condition the model does not meet, worded for a reader."""
    out = []
    for condition in conditions:
        field, accepted = condition["field"], condition["accepted"]
        status = model.openness.get(field)
        if status is None:
            out.append(f"{field} is not recorded (needs {' or '.join(accepted)})")
        elif status.value not in accepted:
            out.append(f"{field} is {status.value} (needs {' or '.join(accepted)})")
    return out


def _licence_failures(licence: Mapping[str, Any], model: Model, table: Table) -> list[str]:
    """Why the model's licence does not meet a licence condition; an unrecorded licence never counts as met."""
    field = licence["field"]
    status = model.openness.get(field)
    if status is None:
        return [f"{field} is not recorded"]
    found = license_class(status.value, table)
    if found is None:
        return [f"{field} {status.value} is not classified in the openness table"]
    if found not in licence["classes"]:
        return [f"{field} {status.value} is {found} (needs {' or '.join(licence['classes'])})"]
    if licence.get("osi_approved") and not osi_approved(status.value, table):
        return [f"{field} {status.value} is not OSI-approved"]
    return []
