"""Strict, fast YAML reading: plain data, dates kept as strings, and located errors for anything risky."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from builder.problems import Problem
from builder.safetext import UNSAFE, describe

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 12
# Items in one list: the registry's longest is 38. A page repeats a list of sources at each figure citing it, so a
# record's page grows with figures x sources; this bound keeps one record's page to a few MB (1,000 of each made a 77 MB
# page).
MAX_ITEMS = 100
MAX_DIGITS = (
    40  # an integer's digits; with the bounds below, products of a formula's inputs stay far from a float's limit
)
LARGEST = 1e40
SMALLEST = 1e-40

_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$")
_NONFINITE = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class YamlProblem(Exception):
    """A file that cannot be read as registry YAML, with the position of the trouble."""

    def __init__(self, code: str, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column

    def problem(self, path: str) -> Problem:
        return Problem(path, self.line, self.column, self.code, self.message, field_path="(file)")


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def decode(data: bytes) -> str:
    """UTF-8 text without BOM or CR line ends, or a located reason why not."""
    if len(data) > MAX_BYTES:
        raise YamlProblem(
            "file-size",
            f"the file is {len(data):,} bytes; registry files must stay under {MAX_BYTES:,} bytes (1 MiB)",
            1,
            1,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        raise YamlProblem("file-bom", "the file starts with a byte-order mark: save it as UTF-8 without BOM", 1, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            "file-encoding", f"byte 0x{data[exc.start]:02x} is not UTF-8: save the file as UTF-8", line, column
        ) from None
    cr = text.find("\r")
    if cr >= 0:
        line = text.count("\n", 0, cr) + 1
        raise YamlProblem(
            "file-line-ends",
            "the file has Windows (CRLF) or CR line ends: use LF line ends",
            line,
            cr - text.rfind("\n", 0, cr),
        )
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise YamlProblem(
            "file-control-character", "the file contains a NUL byte", line, nul - text.rfind("\n", 0, nul)
        )
    return text


def parse(text: str, max_items: int = MAX_ITEMS) -> Any:
    """Parse one YAML document of plain data; raise YamlProblem with a position otherwise.

    Only libyaml's parser is used: its events become data here, with YAML 1.2-like scalars (no sexagesimal, no yes/no
    booleans, no timestamps) and no tags, anchors, aliases, merge keys or duplicate keys (faster than PyYAML's
    composer and constructors, which resolve every scalar in Python twice over)."""
    events: Any = _BaseLoader(text)  # typed loosely: its stubs say get_event() may give None
    try:
        events.get_event()  # the stream's start
        if events.check_event(yaml.StreamEndEvent):
            return None
        events.get_event()  # the document's start
        data = _value(events, events.get_event(), 0, max_items)
        events.get_event()  # the document's end
        if not events.check_event(yaml.StreamEndEvent):
            events.get_event()  # the next document's start
            raise YamlProblem(
                "yaml-multiple-documents",
                "the file holds more than one YAML document: keep one record per file",
                *_event_mark(events.peek_event()),
            )
        return data
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (1, 1) if mark is None else (mark.line + 1, mark.column + 1)
        reason = (exc.problem or "not valid YAML").rstrip(".")
        if _char_at(text, line, column) == "\t":
            reason = "a tab character where YAML needs spaces (indent with spaces)"
        raise YamlProblem("yaml-syntax", f"not valid YAML: {reason}", line, column) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        raise YamlProblem(
            "file-control-character",
            f"control character U+{exc.character:04X} is not allowed in registry files",
            line,
            column,
        ) from None
    finally:
        events.dispose()


def _value(events: Any, event: yaml.Event, depth: int, max_items: int = MAX_ITEMS) -> Any:
    """The data an event starts: a scalar, or a mapping or list read to its end."""
    kind = type(event)
    if kind is yaml.ScalarEvent:
        assert isinstance(event, yaml.ScalarEvent)
        if (
            event.anchor is not None or event.tag is not None
        ):  # most events are plain scalars: checked here without a call
            _plain_node(event)
        if UNSAFE.search(event.value):
            _unsafe(event)
        return _scalar(event) if event.implicit[0] else event.value  # quoted and block scalars are strings
    _plain_node(event)
    if depth >= MAX_DEPTH:
        raise YamlProblem(
            "yaml-depth",
            f"nesting is deeper than {MAX_DEPTH} levels, more than any registry file needs",
            *_event_mark(event),
        )
    if kind is yaml.SequenceStartEvent:
        items: list[Any] = []
        while not events.check_event(yaml.SequenceEndEvent):
            if len(items) == max_items:
                raise YamlProblem(
                    "yaml-list-length",
                    f"the list has more than {max_items} items, more than any registry record needs "
                    "(a page repeats a list of sources at each figure citing it)",
                    *_event_mark(event),
                )
            items.append(_value(events, events.get_event(), depth + 1, max_items))
        events.get_event()
        return items
    mapping: dict[str, Any] = {}
    while not events.check_event(yaml.MappingEndEvent):
        key_event = events.get_event()
        key = _key(key_event)
        if key in mapping:
            raise YamlProblem(
                "yaml-duplicate-key",
                f"duplicate key '{key}': a second value would silently replace the first",
                *_event_mark(key_event),
            )
        mapping[key] = _value(events, events.get_event(), depth + 1, max_items)
    events.get_event()
    return mapping


def _plain_node(event: yaml.Event) -> None:
    """Reject what would make a node more than plain data: an alias, an anchor, a tag."""
    if isinstance(event, yaml.AliasEvent):
        raise YamlProblem(
            "yaml-alias", f"aliases (*{event.anchor}) are not allowed: write the value out", *_event_mark(event)
        )
    anchor = getattr(event, "anchor", None)
    if anchor is not None:  # anchors and aliases make one value stand in many places, and allow "billion laughs" bombs
        raise YamlProblem(
            "yaml-anchor",
            f"anchors (&{anchor}) are not allowed: write values out where they are used",
            *_event_mark(event),
        )
    tag = getattr(event, "tag", None)
    if tag is not None:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem("yaml-tag", f"the tag {shown} is not allowed: write plain values", *_event_mark(event))


def _unsafe(event: yaml.ScalarEvent) -> None:
    """Refuse text holding a control character or a bidirectional override, however written (an escape such as
    "\\e")."""
    found = UNSAFE.search(event.value)
    assert found is not None
    how = " (written as an escape)" if event.style == '"' else ""
    raise YamlProblem(
        "text-control-character",
        f"the text holds the invisible character {describe(found.group())}{how}: control "
        "characters and bidirectional overrides can hide or rewrite what a reader sees; remove it",
        *_event_mark(event),
    )


def _key(event: yaml.Event) -> str:
    """A mapping key: plain text, never a list, a mapping or a merge (<<)."""
    if not isinstance(event, yaml.ScalarEvent):
        _plain_node(event)  # an alias, an anchor or a tag says so first
        raise YamlProblem("yaml-key", "a mapping key must be a plain name", *_event_mark(event))
    if event.anchor is not None or event.tag is not None:
        _plain_node(event)
    if UNSAFE.search(event.value):
        _unsafe(event)
    if event.value == "<<" and event.implicit[0]:
        raise YamlProblem("yaml-merge", "merge keys (<<) are not allowed: write the fields out", *_event_mark(event))
    return str(event.value)


def _scalar(event: yaml.ScalarEvent) -> Any:
    """An unquoted scalar: null, true/false, an integer, a finite float, else the text itself."""
    value = event.value
    if _NULL.match(value):
        return None
    first = value[0]
    if first in "tTfF" and _BOOL.match(value):
        return first in "tT"
    if first in "-+.0123456789":
        if _INT.match(value):
            digits = value.replace("_", "")
            if len(digits.lstrip("+-")) > MAX_DIGITS:
                raise YamlProblem("yaml-number", f"the number has more than {MAX_DIGITS} digits", *_event_mark(event))
            return int(digits)
        if _FLOAT.match(value):
            try:
                number = float(value.replace("_", ""))
            except ValueError:  # underscores with no digit, such as "._"
                return value
            if not SMALLEST <= abs(number) < LARGEST and number != 0:
                size = "large" if abs(number) >= LARGEST else "small"
                raise YamlProblem(
                    "yaml-number",
                    f"the number {value} is too {size}: the registry takes numbers from 1e-40 to below 1e+40 "
                    "(or 0) in size, so that no figure derived from them overflows",
                    *_event_mark(event),
                )
            return number
        if _NONFINITE.match(value):
            raise YamlProblem(
                "yaml-number",
                f"{value} is not a number the registry accepts: use null for unknown",
                *_event_mark(event),
            )
    return value


def _event_mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (1, 1) if mark is None else (mark.line + 1, mark.column + 1)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if 0 < line <= len(lines) and 0 < column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def read(path: Path) -> tuple[Any, str]:
    """Read and parse one registry file; returns the data and the text (kept for locating problems)."""
    text = decode(read_regular(path))
    return parse(text), text


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file, never through a symbolic link (which could publish any file of the machine) nor
    from a FIFO or device (which could block or never end); at most MAX_BYTES + 1 bytes are read."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise YamlProblem(
                "file-symlink",
                "the file is a symbolic link: registry files must be plain files in the "
                "repository (a link could publish a file from outside it)",
                1,
                1,
            ) from None
        raise YamlProblem("file-unreadable", f"cannot read the file: {exc.strerror}", 1, 1) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise YamlProblem(
                "file-not-regular",
                "not a regular file (a folder, a pipe or a device): registry files are plain files",
                1,
                1,
            )
        if info.st_size > MAX_BYTES:
            raise YamlProblem(
                "file-size",
                f"the file is {info.st_size:,} bytes; registry files must stay under {MAX_BYTES:,} bytes (1 MiB)",
                1,
                1,
            )
        os.set_blocking(handle, True)
        with os.fdopen(handle, "rb", closefd=False) as f:
            return f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlProblem("file-unreadable", f"cannot read the file: {exc.strerror}", 1, 1) from None
    finally:
        os.close(handle)


class Locator:
    """Finds line and column of a JSON path in one file's text; composes the YAML once, only when asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._root: yaml.Node | None = None
        self._composed = False

    def at(self, pointer: tuple[str | int, ...]) -> tuple[int, int]:
        """Position of the value at `pointer`, or of the deepest mapping or list that exists on the way."""
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self.text, Loader=_BaseLoader)
            except yaml.YAMLError:
                self._root = None
        node = self._root
        if node is None:
            return 1, 1
        for part in pointer:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return _mark(node)


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        return _keys(node).get(part)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def _keys(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    """A mapping node's values by key, built on first use and kept on the node: finding each problem of a file with
    thousands of keys by scanning them took validation quadratic time."""
    found: dict[str, yaml.Node] | None = getattr(node, "_by_key", None)
    if found is None:
        found = {}
        for key_node, value_node in node.value:
            found.setdefault(str(key_node.value), value_node)
        node._by_key = found  # type: ignore[attr-defined]
    return found
