"""Reading upstream files that may be broken or hostile: every failure is an Unreadable with a message, never a
traceback."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from builder.load.yamlfile import MAX_BYTES, YamlProblem, parse
from builder.safetext import printable

MAX_FILE_BYTES = 512 * 1024 * 1024  # an upstream table larger than this is not one the importers know
MAX_CELL = 131_072  # characters in one CSV cell (the csv module's default limit; upstream cells are far shorter)
MAX_JSON_DEPTH = 64  # the upstream JSON files are two levels deep
UPSTREAM_ITEMS = 100_000  # items in one upstream YAML list (the registry's own files allow far fewer)


class Unreadable(Exception):
    """An upstream file that cannot be read as what its importer expects; the message says why, with a position if
    known."""


def text_of(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's text as UTF-8 (a BOM dropped), or Unreadable naming the first byte that is not UTF-8."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise Unreadable(f"the file is {size:,} bytes, more than the {limit:,} this importer reads")
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Unreadable(f"byte 0x{data[exc.start]:02x} on line {line} is not UTF-8: save the file as UTF-8") from None


def csv_text(path: Path) -> io.StringIO:
    """The CSV file's text ready for csv.reader, or Unreadable for bytes that are not UTF-8 or a NUL (a binary file)."""
    content = text_of(path)
    if "\0" in content:
        line = content.count("\n", 0, content.index("\0")) + 1
        raise Unreadable(f"line {line} holds a NUL character: not a text CSV file")
    return io.StringIO(content, newline="")


@contextlib.contextmanager
def cell_limit() -> Iterator[None]:
    """The csv module's limit on one cell set to MAX_CELL while reading (a library imported in the same process may have
    raised it for everyone: frictionless does), then put back."""
    earlier = csv.field_size_limit(MAX_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(earlier)


def csv_error(exc: csv.Error, line: int) -> Unreadable:
    """A CSV reading error as a message (a cell over MAX_CELL characters, broken quoting)."""
    return Unreadable(f"not a readable CSV file at line {line}: {printable(str(exc))}")


def json_data(path: Path) -> Any:
    """The file's JSON, or Unreadable for malformed JSON (with its position) or nesting deeper than MAX_JSON_DEPTH."""
    content = text_of(path)
    _check_depth(content)
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise Unreadable(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels") from None


def _check_depth(content: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH before parsing it (brackets inside strings counted too: an upper
    bound)."""
    depth = deepest = 0
    for char in content:
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    raise Unreadable(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
        elif char in "]}":
            depth -= 1


def yaml_data(path: Path, content: str | None = None) -> Any:
    """Upstream YAML read with the registry's strict loader (no aliases, anchors, tags or duplicate keys: a card of a
    few hundred bytes with nested aliases makes PyYAML run for seconds and take gigabytes), or Unreadable with the line
    and column of the trouble."""
    text = text_of(path, MAX_BYTES) if content is None else content
    try:
        return parse(text.replace("\r\n", "\n"), max_items=UPSTREAM_ITEMS)
    except YamlProblem as exc:
        raise Unreadable(
            f"not readable YAML at line {exc.line}, column {exc.column}: {printable(exc.message)}"
        ) from None
