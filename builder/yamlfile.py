"""Strict, fast YAML reading: plain data, dates kept as strings, and located errors for anything risky."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, NoReturn

import yaml

from builder.problems import Problem

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 12

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


class StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """YAML 1.2-like scalars (no sexagesimal, no yes/no booleans, no timestamps), no duplicate keys."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012 (PyYAML's own class attribute)

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def construct_strict_mapping(self, node: yaml.MappingNode) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise YamlProblem("yaml-type", "expected a mapping", *_mark(node))
        self._enter(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem("yaml-merge", "merge keys (<<) are not allowed: write the fields out", *_mark(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("yaml-key", "a mapping key must be a plain name", *_mark(key_node))
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key_node.value)
            if key in result:
                raise YamlProblem("yaml-duplicate-key", f"duplicate key '{key}': a second value would silently replace the first", *_mark(key_node))
            result[key] = self.construct_object(value_node, deep=True)
        self._depth -= 1
        return result

    def construct_strict_sequence(self, node: yaml.SequenceNode) -> list[Any]:
        self._enter(node)
        items = [self.construct_object(child, deep=True) for child in node.value]
        self._depth -= 1
        return items

    def construct_strict_float(self, node: yaml.ScalarNode) -> float:
        text = str(node.value).replace("_", "")
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise YamlProblem("yaml-number", f"the number {node.value} is too large", *_mark(node))
        return value

    def construct_nonfinite(self, node: yaml.ScalarNode) -> NoReturn:
        raise YamlProblem("yaml-number", f"{node.value} is not a number the registry accepts: use null for unknown", *_mark(node))

    def construct_strict_int(self, node: yaml.ScalarNode) -> int:
        text = str(node.value).replace("_", "")
        if len(text) > 40:
            raise YamlProblem("yaml-number", "the number has more than 40 digits", *_mark(node))
        return int(text)

    def construct_undefined(self, node: yaml.Node) -> NoReturn:
        raise YamlProblem("yaml-tag", f"the tag {node.tag} is not allowed: write plain values", *_mark(node))

    def _enter(self, node: yaml.Node) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlProblem("yaml-depth", f"nesting is deeper than {MAX_DEPTH} levels, more than any registry file needs", *_mark(node))


StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:nonfinite", _NONFINITE, list("-+."))
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])
StrictLoader.yaml_constructors = {
    "tag:yaml.org,2002:null": _BaseLoader.construct_yaml_null,
    "tag:yaml.org,2002:bool": _BaseLoader.construct_yaml_bool,
    "tag:yaml.org,2002:str": _BaseLoader.construct_yaml_str,
    "tag:yaml.org,2002:int": StrictLoader.construct_strict_int,
    "tag:yaml.org,2002:float": StrictLoader.construct_strict_float,
    "tag:yaml.org,2002:nonfinite": StrictLoader.construct_nonfinite,
    "tag:yaml.org,2002:map": StrictLoader.construct_strict_mapping,
    "tag:yaml.org,2002:seq": StrictLoader.construct_strict_sequence,
    None: StrictLoader.construct_undefined,
}


def decode(data: bytes) -> str:
    """UTF-8 text without BOM or CR line ends, or a located reason why not."""
    if len(data) > MAX_BYTES:
        raise YamlProblem("file-size", f"the file is {len(data):,} bytes; registry files must stay under {MAX_BYTES:,} bytes (1 MiB)", 1, 1)
    if data.startswith(b"\xef\xbb\xbf"):
        raise YamlProblem("file-bom", "the file starts with a byte-order mark: save it as UTF-8 without BOM", 1, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem("file-encoding", f"byte 0x{data[exc.start]:02x} is not UTF-8: save the file as UTF-8", line, column) from None
    cr = text.find("\r")
    if cr >= 0:
        line = text.count("\n", 0, cr) + 1
        raise YamlProblem("file-line-ends", "the file has Windows (CRLF) or CR line ends: use LF line ends", line, cr - text.rfind("\n", 0, cr))
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise YamlProblem("file-control-character", "the file contains a NUL byte", line, nul - text.rfind("\n", 0, nul))
    return text


def _reject_anchors(text: str) -> None:
    """Anchors and aliases make one value stand in many places and allow 'billion laughs' bombs."""
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem("yaml-alias", f"aliases (*{event.anchor}) are not allowed: write the value out", *_event_mark(event))
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlProblem("yaml-anchor", f"anchors (&{anchor}) are not allowed: write values out where they are used", *_event_mark(event))


def _event_mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (1, 1) if mark is None else (mark.line + 1, mark.column + 1)


def parse(text: str) -> Any:
    """Parse one YAML document of plain data; raise YamlProblem with a position otherwise."""
    if "&" in text or "*" in text:
        with contextlib.suppress(yaml.YAMLError):  # the loader below reports syntax errors with their position
            _reject_anchors(text)
    loader = StrictLoader(text)
    try:
        if not loader.check_node():
            return None
        node = loader.get_node()
        if loader.check_node():
            extra = loader.get_node()
            line, column = _mark(extra) if extra is not None else (1, 1)
            raise YamlProblem("yaml-multiple-documents", "the file holds more than one YAML document: keep one record per file", line, column)
        return loader.construct_document(node)
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
        raise YamlProblem("file-control-character", f"control character U+{exc.character:04X} is not allowed in registry files", line, column) from None
    except RecursionError:
        raise YamlProblem("yaml-depth", "nesting is too deep", 1, 1) from None
    finally:
        loader.dispose()


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if 0 < line <= len(lines) and 0 < column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def read(path: Path) -> tuple[Any, str]:
    """Read and parse one registry file; returns the data and the text (kept for locating problems)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise YamlProblem("file-unreadable", f"cannot read the file: {exc.strerror}", 0, 0) from None
    text = decode(data)
    return parse(text), text


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
        for key_node, value_node in node.value:
            if key_node.value == part:
                found: yaml.Node = value_node
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None
