"""The field reference of every registry file type, read from the JSON Schemas so the documentation cannot drift from
them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from builder.load.schemas import Schemas

KINDS = (
    ("model", "Models", "registry/models/<id>.yaml"),
    ("hardware", "Hardware", "registry/hardware/<id>.yaml"),
    ("grid", "Electricity grids", "registry/grids/<id>.yaml"),
    ("organization", "Organizations", "registry/organizations/<id>.yaml"),
    ("claim", "Claims", "registry/claims/<id>.yaml"),
    ("assumptions", "Assumptions", "registry/assumptions.yaml"),
)
FORMAT_WORDS = {
    "id": "id",
    "date": "date (YYYY, YYYY-MM or YYYY-MM-DD)",
    "country": "country code (ISO 3166-1 alpha-2)",
    "url": "https URL",
    "license_id": "SPDX licence id or LicenseRef-...",
}
TYPE_WORDS = {
    "number": "number",
    "integer": "whole number",
    "string": "text",
    "boolean": "true/false",
    "array": "list",
    "object": "mapping",
}


@dataclass(frozen=True)
class Field:
    path: str
    accepts: str
    required: bool
    description: str


def _accepts(node: Mapping[str, Any], formats: Mapping[str, str]) -> str:
    """What a field takes, in words: its enum values, types, or the shapes of its alternatives."""
    if "enum" in node:
        return "one of: " + ", ".join(str(v) for v in node["enum"])
    if "anyOf" in node or "oneOf" in node:
        shapes = [_accepts(alt, formats) for alt in node.get("anyOf", node.get("oneOf", []))]
        return " or ".join(dict.fromkeys(s for s in shapes if s and s != "null"))
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        return "{" + ", ".join(node["properties"]) + "}"
    if kind == "array":
        return "list of " + (_accepts(node.get("items", {}), formats) or "values")
    if kind == "string" and node.get("pattern") in formats:
        return formats[node["pattern"]]
    return TYPE_WORDS.get(str(kind), "") or ("null" if kind == "null" else "")


def _object_of(node: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The mapping a field holds, directly, as list items, or as the mapping alternative of a figure."""
    if (
        node.get("type") == "object"
        and "properties" in node
        and node["properties"].keys() - {"value", "low", "high", "source", "note", "estimated", "scope"}
    ):
        return node
    if node.get("type") == "array":
        return _object_of(node.get("items", {}))
    for alternative in node.get("anyOf", node.get("oneOf", [])):
        found = _object_of(alternative)
        if found is not None:
            return found
    return None


def fields(node: Mapping[str, Any], formats: Mapping[str, str], trail: str = "") -> Iterator[Field]:
    """Every field below `node`, depth first, nested mappings and list items included."""
    required = set(node.get("required", ()))
    for name, sub in node.get("properties", {}).items():
        path = f"{trail}.{name}" if trail else name
        yield Field(path, _accepts(sub, formats), name in required, str(sub.get("description", "")))
        inner = _object_of(sub)
        if inner is not None:
            yield from fields(inner, formats, path + ("[]" if sub.get("type") == "array" else ""))
        elif isinstance(sub.get("additionalProperties"), dict):
            yield from fields(sub["additionalProperties"], formats, f"{path}.<id>")


def reference(schemas: Schemas) -> list[tuple[str, str, list[Field]]]:
    """(title, file pattern, fields) for every file type a contributor writes."""
    defs = schemas.documents["common.schema.json"]["$defs"]
    formats = {defs[name]["pattern"]: words for name, words in FORMAT_WORDS.items()}
    return [(title, pattern, list(fields(schemas.described(kind), formats))) for kind, title, pattern in KINDS]
