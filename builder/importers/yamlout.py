"""Writing registry YAML that reads well: schema key order, compact figures, folded long notes, and round-trip
updates that keep comments."""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarstring import FoldedScalarString

from builder.importers.common import yaml_number
from builder.load.schemas import Schemas

FOLDER = {"model": "models", "hardware": "hardware", "grid": "grids", "organization": "organizations"}
FLOW_WIDTH = 96
FOLD_AT = 88


class _Representer(RoundTripRepresenter):
    """Floats as the registry writes them (1.75e+11), never as 175000000000.0."""

    def represent_float(self, data: Any) -> Any:
        if isinstance(data, ScalarFloat) and 1e-3 <= abs(data) < 1e6:
            return self.represent_scalar_float(data)  # keep a person's 0.10 as written
        return self.represent_scalar("tag:yaml.org,2002:float", yaml_number(float(data)))


_Representer.add_representer(float, _Representer.represent_float)
_Representer.add_representer(
    ScalarFloat, _Representer.represent_float
)  # ruamel's own float output can lose the last digit


class _Resolver(VersionedResolver):
    """YAML 1.2 without timestamps: the registry reads dates as strings, so they need no quotes."""

    @property
    def versioned_resolver(self) -> Any:
        table = super().versioned_resolver
        return {k: [(tag, regexp) for tag, regexp in v if not str(tag).endswith("timestamp")] for k, v in table.items()}


def _yaml() -> YAML:
    y = YAML()
    y.Representer = _Representer
    y.Resolver = _Resolver
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    y.preserve_quotes = True
    y.representer.ignore_aliases = lambda data: True
    return y


@cache
def _schemas() -> Schemas:
    return Schemas()


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """For anyOf/oneOf, the alternative that describes an object or array (references are already inlined)."""
    for alternative in node.get("anyOf", node.get("oneOf", [])):
        resolved = _resolve(alternative)
        if "properties" in resolved or "items" in resolved:
            return resolved
    return node


def key_order(kind: str, path: tuple[str, ...]) -> list[str]:
    """Property names of the schema at `path` (list items share their list's path), in the schema's order."""
    node: Mapping[str, Any] = _schemas().described(kind)
    for part in path:
        node = _resolve(node)
        if "items" in node:
            node = _resolve(node["items"])
        node = node.get("properties", {}).get(part, {})
    node = _resolve(node)
    if "items" in node:
        node = _resolve(node["items"])
    return list(node.get("properties", {}))


def _sorted_keys(kind: str, path: tuple[str, ...], keys: list[str]) -> list[str]:
    order = key_order(kind, path)
    rank = {name: i for i, name in enumerate(order)}
    return sorted(keys, key=lambda k: (rank.get(k, len(order)), keys.index(k)))


def _scalar(value: Any) -> Any:
    if isinstance(value, str) and len(value) > FOLD_AT and "\n" not in value and "  " not in value:
        folded = FoldedScalarString(value)
        positions, line_start = [], 0
        for i, ch in enumerate(value):
            if ch == " " and i - line_start > FOLD_AT - 4 and 0 < i < len(value) - 1 and value[i + 1] != " ":
                positions.append(i)
                line_start = i + 1
        folded.fold_pos = positions
        return folded
    return value


def _short(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(_short(v) and not isinstance(v, Mapping) for v in value.values())
    if isinstance(value, list):
        return all(not isinstance(v, (Mapping, list)) for v in value)
    return not (isinstance(value, str) and len(value) > FOLD_AT)


def _flat_length(value: Any) -> int:
    return len(repr(value))


def node(kind: str, path: tuple[str, ...], value: Any) -> Any:
    """The ruamel node for plain data: schema key order, flow style for short figures and lists, folded long text."""
    if isinstance(value, Mapping):
        out = CommentedMap()
        for name in _sorted_keys(kind, path, list(value)):
            out[name] = node(kind, (*path, name), value[name])
        if _short(value) and _flat_length(value) < FLOW_WIDTH - 2 * len(path) - 10 and path and path[-1] not in FOLDER:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq(node(kind, path, v) for v in value)
        if _short(value) and _flat_length(value) < FLOW_WIDTH:
            seq.fa.set_flow_style()
        return seq
    return _scalar(value)


def header(kind: str, comment: str | None) -> str:
    """Modeline first (editors validate against the schema), then the comment naming the upstream row."""
    lines = [f"# yaml-language-server: $schema=../../schema/{kind}.schema.json"]
    if comment:
        lines += [f"# {line}" for line in comment.splitlines()]
    return "\n".join(lines) + "\n"


def render(kind: str, data: Mapping[str, Any], comment: str | None = None) -> str:
    """A new record file."""
    buffer = io.StringIO()
    _yaml().dump(node(kind, (), data), buffer)
    return header(kind, comment) + buffer.getvalue()


def update(kind: str, original: str, data: Mapping[str, Any]) -> str:
    """The existing file's text changed to hold `data`: untouched fields keep their comments, order and style."""
    y = _yaml()
    document = y.load(original)
    if not isinstance(document, CommentedMap):
        return render(kind, data)
    _sync(kind, (), document, data)
    buffer = io.StringIO()
    y.dump(document, buffer)
    return buffer.getvalue()


def _sync(kind: str, path: tuple[str, ...], target: CommentedMap, data: Mapping[str, Any]) -> None:
    order = key_order(kind, path)
    rank = {name: i for i, name in enumerate(order)}
    for name, value in data.items():
        here = (*path, name)
        if name not in target:
            position = sum(1 for k in target if rank.get(k, len(order)) <= rank.get(name, len(order)))
            target.insert(position, name, node(kind, here, value))
        elif _plain(target[name]) == value:
            continue
        elif isinstance(target[name], CommentedMap) and isinstance(value, Mapping):
            _sync(kind, here, target[name], value)
        elif isinstance(target[name], CommentedSeq) and isinstance(value, list):
            target[name] = _sync_list(kind, here, target[name], value)
        else:
            target[name] = node(kind, here, value)


def _sync_list(kind: str, path: tuple[str, ...], old: CommentedSeq, new: list[Any]) -> CommentedSeq:
    plain_old = [_plain(v) for v in old]
    items = []
    for value in new:
        items.append(old[plain_old.index(value)] if value in plain_old else node(kind, path, value))
    seq = CommentedSeq(items)
    if old.fa.flow_style() and _flat_length(new) < FLOW_WIDTH:
        seq.fa.set_flow_style()
    return seq


def _plain(value: Any) -> Any:
    """Plain Python data from ruamel nodes, for comparing with imported data."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)
