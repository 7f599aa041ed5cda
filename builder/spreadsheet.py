"""Spreadsheet formula injection (OWASP's "CSV Injection"): text a spreadsheet would run as a formula when it opens a
CSV.

A cell starting with =, +, -, @, a tab or a carriage return is read as a formula by Excel, LibreOffice and Google
Sheets. Where such text is never legitimate (names, titles, aliases) validation refuses it; elsewhere (notes,
descriptions) the CSV downloads neutralise it by OWASP's advice, a single quote before the text, while JSON, SQLite
and Parquet keep it exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from builder.problems import Problem, dotted

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(
    r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z"
)  # "-5" is a number, not a formula
NAME_KEYS = ("name", "title")  # a record's and a source's name: shown as headings and links, never a formula


def formula_like(text: str) -> bool:
    """Whether a spreadsheet opening this text from a CSV cell would read it as a formula."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text)


def neutral(text: str) -> str:
    """The text as a CSV cell may carry it: a formula-like text gets a leading single quote, so it shows as text."""
    return "'" + text if text.startswith(FORMULA_START) and formula_like(text) else text


def formula_texts(data: Any, pointer: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every formula-like text in a record, with its path (importers warn about each)."""
    if isinstance(data, str):
        if formula_like(data):
            yield pointer, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from formula_texts(value, (*pointer, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from formula_texts(value, (*pointer, index))


def check_names(path: str, data: Any) -> list[Problem]:
    """Names, titles and aliases that a spreadsheet would run as formulas: refused, since no name starts that way."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[tuple[str | int, ...], str]] = []
    for key in NAME_KEYS:
        if isinstance(data.get(key), str):
            found.append(((key,), data[key]))
    aliases = data.get("aliases")
    if isinstance(aliases, list):
        found += [(("aliases", i), a) for i, a in enumerate(aliases) if isinstance(a, str)]
    for where, node in [((), data), *((((k,), v) for k, v in data.items() if isinstance(v, dict)))]:
        listed = node.get("sources")
        if isinstance(listed, list):
            found += [
                ((*where, "sources", i, "title"), s["title"])
                for i, s in enumerate(listed)
                if isinstance(s, dict) and isinstance(s.get("title"), str)
            ]
    return [
        Problem(
            path,
            code="formula-text",
            pointer=pointer,
            field_path=dotted(pointer),
            message=f"text starting with {json.dumps(text[0])} is run as a formula by spreadsheets opening the CSV "
            "downloads: "
            "start the name with a letter or digit",
        )
        for pointer, text in found
        if formula_like(text)
    ]
