"""New-record templates written from the schema itself, so every field a contributor sees is explained."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from builder.load.schemas import Schemas

FOLDER_OF = {"model": "models", "hardware": "hardware", "grid": "grids", "organization": "organizations"}
WIDTH = 100


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, WIDTH - len(indent) - 2)]


def _fields(schema: Mapping[str, Any], indent: str, skip: set[str]) -> list[str]:
    lines: list[str] = []
    for name, prop in schema.get("properties", {}).items():
        if name in skip or name == "sources":
            continue
        lines += _comment(str(prop.get("description", "")), indent)
        if prop.get("type") == "object" and "properties" in prop:
            lines.append(f"{indent}# {name}:")
            lines += [line.replace(f"{indent}  # ", f"{indent}#   ", 1) for line in _fields(prop, indent + "  ", set())]
        else:
            lines.append(f"{indent}# {name}:")
    return lines


def template(kind: str, record_id: str, values: Mapping[str, str], schemas: Schemas | None = None) -> str:
    """A YAML file for a new record: modeline, id and given values set, every other field commented with its meaning."""
    schemas = schemas or Schemas()
    schema = schemas.described(kind)
    lines = [f"# yaml-language-server: $schema=../../schema/{kind}.schema.json"]
    lines += _comment(str(schema.get("description", "")), "")
    lines += ["", f"id: {record_id}"]
    for key, value in values.items():
        lines.append(f"{key}: {_scalar(value)}")
    lines += _fields(schema, "", {"id", *values})
    lines += [
        "",
        "# Every figure cites a public source: list them (at least one, https) and cite them with source: <id>.",
        "# sources:",
        "#   - id: short-id",
        "#     title: Title of the paper, model card or page",
        "#     url: https://...",
        "#     published: YYYY-MM-DD",
    ]
    return "\n".join(lines) + "\n"


def _scalar(value: str) -> str:
    needs_quotes = not value or value[0] in "!&*[]{}|>'\"%@`#-?:,." or ": " in value or " #" in value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' if needs_quotes else value
