"""Rules JSON Schema cannot express: ids, references between records, sources, URLs, ranges, real dates."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping
from typing import Any

from builder.load import limits
from builder.problems import ERROR, WARNING, Problem, dotted

Pointer = tuple[str | int, ...]
ID = re.compile(r"^[a-z0-9][a-z0-9.-]*\Z")  # \Z: `$` would also match before a final line break ("x\n")
DATE_KEYS = frozenset({"released", "published", "accessed", "started", "ended", "as_of", "when"})
SCHEMES_OK = ("https://",)
SCHEMES_WARN = ("http://",)
NET = re.compile(
    r"\bnet (?:tCO2e|tCO2|t CO2e|tonnes|emissions)\b|after (?:\S+ )?(?:24/7 )?carbon-free energy|after renewable",
    re.IGNORECASE,
)


def problem(path: str, code: str, pointer: Pointer, message: str, severity: str = ERROR) -> Problem:
    """A problem at `pointer`; one about the whole file is placed at 1:1."""
    line_column = (0, 0) if pointer else (1, 1)
    return Problem(
        path,
        *line_column,
        code=code,
        message=message,
        severity=severity,
        pointer=pointer,
        field_path=dotted(pointer) or "(file)",
    )


def suggest(name: str, known: Mapping[str, Any] | set[str]) -> str:
    guess = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{guess[0]}'?" if guess else ""


def check_file_identity(path: str, stem: str, data: Any, folder: str) -> list[Problem]:
    """The file name is a usable id and the record's id equals it."""
    found = []
    if not ID.match(stem):
        found.append(
            problem(
                path,
                "file-name",
                (),
                f"the file name '{stem}' is not a valid id: "
                "use lowercase letters, digits, dots and hyphens, starting with a letter or digit",
            )
        )
    if isinstance(data, Mapping) and isinstance(data.get("id"), str) and data["id"] != stem:
        found.append(
            problem(
                path,
                "id-mismatch",
                ("id",),
                f"the id '{data['id']}' differs from the file name: rename the file to {data['id']}.yaml or set id: "
                f"{stem}",
            )
        )
    return found


def check_within_file(path: str, data: Any) -> list[Problem]:
    """Source ids, source references, URL schemes, value ranges and calendar dates inside one file."""
    found: list[Problem] = []
    defined: dict[str, Pointer] = {}
    references: list[tuple[Pointer, str]] = []

    def visit(node: dict[str, Any] | list[Any], pointer: Pointer, node_key: str | int | None) -> None:
        """Every value below `node` (which sits under `node_key`), in document order; a value's pointer is made only
        when a check needs it (most are plain figures and text: 730,000 values in 5,000 model files)."""
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            if key == "sources" and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        references.append(((*pointer, key, index), item))
                    elif isinstance(item, dict) and isinstance(item.get("id"), str):
                        if item["id"] in defined:
                            found.append(
                                problem(
                                    path,
                                    "source-duplicate",
                                    (*pointer, key, index, "id"),
                                    f"the source id '{item['id']}' is used twice in this file",
                                )
                            )
                        defined.setdefault(item["id"], (*pointer, key, index))
            elif key == "source" and isinstance(value, (str, list)):
                for index, ref in enumerate([value] if isinstance(value, str) else value):
                    if isinstance(ref, str):
                        references.append(((*pointer, key, index) if isinstance(value, list) else (*pointer, key), ref))
            elif isinstance(value, str):
                if key == "url" or node_key == "links":
                    found.extend(_check_url(path, (*pointer, key), value))
                elif key in DATE_KEYS:
                    found.extend(_check_date(path, (*pointer, key), value))
            if isinstance(value, (dict, list)):
                child = (*pointer, key)
                if isinstance(value, dict):
                    found.extend(_check_range(path, child, value))
                    if value.get("estimated") is True and value.get("provenance") == "reported":
                        found.append(_provenance_contradiction(path, child))
                    elif (
                        "confidence" in value
                        and "value" in value
                        and not value.get("estimated")
                        and value.get("provenance", "reported") == "reported"
                    ):
                        found.append(
                            problem(
                                path,
                                "confidence-on-reported",
                                (*child, "confidence"),
                                "a confidence rates an estimate, but this figure is the developer's count: add "
                                "provenance: "
                                "third-party-estimate (or reported-estimate), or drop confidence",
                            )
                        )
                    found.extend(_agreeing_disagreements(path, child, value))
                    if key == "emissions_tco2e" and isinstance(value.get("note"), str) and NET.search(value["note"]):
                        found.append(
                            problem(
                                path,
                                "net-as-location-based",
                                (*child, "note"),
                                "the note calls this a net figure (after carbon-free energy purchases): move it to "
                                "emissions_market_tco2e; emissions_tco2e is location-based (the grid's emissions)",
                            )
                        )
                visit(value, child, key)

    if isinstance(data, (dict, list)):
        visit(data, (), None)
    if isinstance(data, dict):
        found.extend(_check_range(path, (), data))
    missing = [(pointer, ref) for pointer, ref in references if ref not in defined]
    listed = f"; defined: {limits.listing(defined)}" if missing and defined else "; this file defines no sources"
    for index, (pointer, ref) in enumerate(
        missing
    ):  # a suggestion compares with every id: only for the problems that are listed
        where = (index < limits.SUGGESTIONS and defined and suggest(ref, set(defined))) or listed
        found.append(
            problem(path, "source-missing", pointer, f"the source '{ref}' is not in this file's sources{where}")
        )
    return found


def _check_url(path: str, pointer: Pointer, url: str) -> list[Problem]:
    lower = url.lower()
    if lower.startswith(SCHEMES_OK):
        return []
    if lower.startswith(SCHEMES_WARN):
        return [
            problem(path, "url-http", pointer, f"{url} uses http://: use https:// where the site offers it", WARNING)
        ]
    scheme = lower.split(":", 1)[0]
    return [
        problem(
            path, "url-scheme", pointer, f"'{scheme}:' links are not allowed: a source URL must start with https://"
        )
    ]


def _check_date(path: str, pointer: Pointer, text: str) -> list[Problem]:
    if len(text) != 10:
        return []
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return [problem(path, "date", pointer, f"{text} is not a real calendar date")]
    return []


def _provenance_contradiction(path: str, pointer: Pointer) -> Problem:
    """`estimated: true` says the figure is an estimate; `provenance: reported` says it is the developer's count:
    both cannot hold."""
    return problem(
        path,
        "provenance-contradiction",
        (*pointer, "provenance"),
        "estimated: true contradicts provenance: reported: write provenance: reported-estimate for the developer's own "
        "estimate or third-party-estimate for someone else's (with confidence), or drop estimated for a count",
    )


def _agreeing_disagreements(path: str, pointer: Pointer, node: Mapping[str, Any]) -> list[Problem]:
    """A `disagrees` item holding the kept value itself: `builder audit` would list an agreement as a conflict."""
    items = node.get("disagrees")
    if "value" not in node or not isinstance(items, list):
        return []
    return [
        problem(
            path,
            "disagreement-agrees",
            (*pointer, "disagrees", index),
            f"this source gives the same value as the kept one ({node['value']}): an agreement is no disagreement; "
            "remove the item (cite both sources on the figure if the agreement matters)",
            WARNING,
        )
        for index, item in enumerate(items)
        if isinstance(item, Mapping) and "value" in item and item["value"] == node["value"]
    ]


def _number(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _check_range(path: str, pointer: Pointer, node: Mapping[str, Any]) -> list[Problem]:
    low, high = _number(node.get("low")), _number(node.get("high"))
    if low is None and high is None:
        return []
    value = _number(node.get("value", node.get("g_per_kwh")))
    field_name = "value" if "value" in node else "g_per_kwh"
    if low is not None and high is not None and low > high:
        return [problem(path, "range", (*pointer, "low"), f"low ({low:g}) is greater than high ({high:g})")]
    if value is not None and low is not None and value < low:
        return [
            problem(path, "range", (*pointer, field_name), f"{field_name} ({value:g}) is below its low bound ({low:g})")
        ]
    if value is not None and high is not None and value > high:
        return [
            problem(
                path, "range", (*pointer, field_name), f"{field_name} ({value:g}) is above its high bound ({high:g})"
            )
        ]
    return []


def check_reference(
    path: str, pointer: Pointer, ref: str, known: Mapping[str, Any], what: str, folder: str
) -> list[Problem]:
    if ref in known:
        return []
    return [problem(path, f"ref-{what}", pointer, f"no {what} '{ref}' in registry/{folder}/{suggest(ref, known)}")]


def check_grid_basis(path: str, data: Mapping[str, Any]) -> list[Problem]:
    """A grid record keeps one emissions basis: direct and life-cycle figures differ by far more than a year's
    change."""
    entries = data.get("intensity")
    if not isinstance(entries, list):
        return []
    seen: dict[str, int] = {}
    for n, entry in enumerate(entries):
        basis = entry.get("emissions") if isinstance(entry, Mapping) else None
        if isinstance(basis, str):
            seen.setdefault(basis, n)
    if len(seen) < 2:
        return []
    first, second = sorted(seen, key=seen.__getitem__)[:2]
    return [
        problem(
            path,
            "grid-basis",
            ("intensity", seen[second], "emissions"),
            f"this record mixes emissions bases ({first} and {second}): keep one basis per record and put the other "
            "figures in a record of their own",
        )
    ]


def check_accelerator_hours(path: str, training: Mapping[str, Any], tolerance: float) -> list[Problem]:
    """accelerator_hours should equal accelerator_count x duration_hours when all three are given."""
    hours, count, duration = (
        _plain(training.get(k)) for k in ("accelerator_hours", "accelerator_count", "duration_hours")
    )
    if hours is None or count is None or duration is None:
        return []
    product = count * duration
    if abs(product - hours) <= max(tolerance, 1e-9) * max(hours, product):
        return []
    return [
        problem(
            path,
            "accelerator-hours",
            ("training", "accelerator_hours"),
            f"accelerator_hours ({hours:g}) differs from accelerator_count x duration_hours "
            f"({count:g} x {duration:g} = {product:g}) by more than {tolerance:.0%}",
        )
    ]


def _plain(raw: Any) -> float | None:
    if isinstance(raw, Mapping):
        raw = raw.get("value")
    return _number(raw)


def check_precedence(table: Mapping[str, Any], path: str) -> list[Problem]:
    """Every tier a rule or the default names exists, and tier ids are unique."""
    found: list[Problem] = []
    ids = [t.get("id") for t in table.get("tiers") or ()]
    for i, tier_id in enumerate(ids):
        if tier_id in ids[:i]:
            found.append(problem(path, "precedence-tier", ("tiers", i, "id"), f"the tier id '{tier_id}' is used twice"))
    pointers: list[tuple[Pointer, Any]] = [
        (("rules", i, "tier"), r.get("tier")) for i, r in enumerate(table.get("rules") or ())
    ]
    pointers.append((("default_tier",), table.get("default_tier")))
    for pointer, tier_id in pointers:
        if tier_id not in ids:
            found.append(
                problem(
                    path,
                    "precedence-tier",
                    pointer,
                    f"no tier '{tier_id}' in tiers; defined: {', '.join(map(str, ids))}",
                )
            )
    return found
