"""JSON Schema validation built once per run, with messages a contributor can act on."""

from __future__ import annotations

import difflib
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

import builder
from builder.load import limits
from builder.problems import Problem, dotted

KINDS = ("model", "hardware", "grid", "organization", "claim", "assumptions", "openness", "precedence")


def schema_dir() -> Path:
    """The default schemas: shipped inside the package (builder/schema/) in an install, the repository's schema/ in a
    checkout."""
    package = Path(builder.__file__).resolve().parent
    shipped = package / "schema"
    return shipped if shipped.is_dir() else package.parent / "schema"


class Schemas:
    """The registry's schemas, loaded once, with one reusable validator per record kind."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or schema_dir()
        self.documents: dict[str, dict[str, Any]] = {}
        for path in sorted(self.folder.glob("*.schema.json")):
            self.documents[path.name] = json.loads(path.read_text(encoding="utf-8"))
        resources = [(name, Resource.from_contents(doc)) for name, doc in self.documents.items()]
        self.registry: Registry[Any] = Registry().with_resources(resources)

    def document(self, kind: str) -> dict[str, Any]:
        return self.documents[f"{kind}.schema.json"]

    @cached_property
    def validators(self) -> dict[str, Draft202012Validator]:
        """One validator per kind, over the schema with every reference inlined (reference lookups dominated the run
        time)."""
        return {kind: Draft202012Validator(self.inlined(kind), registry=self.registry) for kind in KINDS}

    def inlined(self, kind: str) -> dict[str, Any]:
        """The kind's schema with each $ref replaced by what it points to; the referenced definition's keywords win."""
        name = f"{kind}.schema.json"
        return self._inlined[name]

    def described(self, kind: str) -> dict[str, Any]:
        """The kind's schema inlined with each field's own description kept, for documentation and key order (not
        validation)."""
        name = f"{kind}.schema.json"
        if name not in self._described:
            self._described[name] = _inline(self.documents[name], name, self.documents, siblings_win=True)
        return self._described[name]

    @cached_property
    def _described(self) -> dict[str, dict[str, Any]]:
        return {}

    @cached_property
    def _inlined(self) -> dict[str, dict[str, Any]]:
        return {
            f"{kind}.schema.json": _anchored(
                _inline(self.documents[f"{kind}.schema.json"], f"{kind}.schema.json", self.documents)
            )
            for kind in KINDS
        }

    def check(self, kind: str, data: Any, path: str) -> list[Problem]:
        """Every schema problem of one record, each with a readable message (positions are added later).

        A compiled validator answers first (a valid file, the usual case, needs nothing more);
        only a file it rejects goes through jsonschema, which lists every problem with its path.
        """
        try:
            self.fast(kind)(data)
        except fastjsonschema.JsonSchemaException:
            errors = itertools.islice(
                self.validators[kind].iter_errors(data), limits.SCHEMA_ERRORS
            )  # bounded: see limits
            return [_problem(best(error), path) for error in errors]
        return []

    def fast(self, kind: str) -> Callable[[Any], Any]:
        """The kind's compiled validator, built on first use and shared by every Schemas with the same schema text."""
        found = self._fast.get(kind)
        if found is None:
            found = self._fast[kind] = _compiled(json.dumps(self.inlined(kind), sort_keys=True))
        return found

    @cached_property
    def _fast(self) -> dict[str, Callable[[Any], Any]]:
        return {}


@cache
def _compiled(inlined: str) -> Callable[[Any], Any]:
    """fastjsonschema's validator for one inlined schema, compiled once per process for its text (an edited schema
    compiles again). It only answers valid or not (jsonschema lists the problems), so its exceptions carry no
    details."""
    schema = _draft7(json.loads(inlined))
    return fastjsonschema.compile(schema, detailed_exceptions=False)  # type: ignore[no-any-return]


_DOLLAR = re.compile(r"(?<!\\)\$")


def _anchored(node: Any) -> Any:
    """The schema with each pattern's `$` as `\\Z`: in Python's re (which jsonschema uses) `$` also matches before a
    final line break, so `^[a-z0-9][a-z0-9.-]*$` took the id "x\\n"; a JSON Schema pattern's `$` (ECMA-262) is the
    end of the text."""
    if isinstance(node, list):
        return [_anchored(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: _DOLLAR.sub(r"\\Z", value) if key == "pattern" and isinstance(value, str) else _anchored(value)
        for key, value in node.items()
    }


def _draft7(node: Any) -> Any:
    """The inlined schema in the draft-07 terms fastjsonschema compiles: every keyword it uses means the same there."""
    if isinstance(node, list):
        return [_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _draft7(value) for key, value in node.items() if key not in ("$schema", "$id", "$defs")}
    return out


def _inline(node: Any, base: str, documents: Mapping[str, Any], siblings_win: bool = False) -> Any:
    if isinstance(node, list):
        return [_inline(item, base, documents, siblings_win) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return {key: _inline(value, base, documents, siblings_win) for key, value in node.items()}
    document, _, pointer = ref.partition("#")
    document = document or base
    target: Any = documents[document]
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        target = target[part]
    resolved = _inline(target, document, documents, siblings_win)
    siblings = {key: _inline(value, base, documents, siblings_win) for key, value in node.items() if key != "$ref"}
    return {**resolved, **siblings} if siblings_win else {**siblings, **resolved}


def best(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the alternative the author most likely meant, not a wall of all of them."""
    while error.context and error.validator in ("oneOf", "anyOf"):
        shaped = [e for e in error.context if e.validator not in ("type", "oneOf", "anyOf") or e.relative_path]
        deeper = [e for e in error.context if e.context]
        pool = shaped or deeper
        if not pool:
            return error
        error = max(pool, key=lambda e: (len(e.relative_path), e.validator != "required"))
    return error


def _problem(error: ValidationError, path: str) -> Problem:
    pointer = tuple(error.absolute_path)
    where = list(pointer)
    message = _message(error)
    if error.validator == "required":
        missing = _missing(error)
        where = [*where, missing]
    elif error.validator == "additionalProperties":
        unexpected = _unexpected(error)
        where = [*where, unexpected]
        pointer = (*pointer, unexpected)
    return Problem(path, code="schema", message=message, pointer=pointer, field_path=dotted(where) or "(file)")


def _schema(error: ValidationError) -> Mapping[str, Any]:
    return error.schema if isinstance(error.schema, Mapping) else {}


def _limit(error: ValidationError) -> Any:
    return error.validator_value


def _missing(error: ValidationError) -> str:
    present = error.instance if isinstance(error.instance, dict) else {}
    return next((name for name in _limit(error) if name not in present), "")


def _unexpected(error: ValidationError) -> str:
    allowed = _schema(error).get("properties", {})
    instance = error.instance if isinstance(error.instance, dict) else {}
    return next((name for name in instance if name not in allowed), "")


def show(value: Any) -> str:
    """A value as a contributor wrote it: JSON-like, never a Python repr, and short."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool) or value is None:
        text = json.dumps(value)
    elif isinstance(value, (int, float)):
        text = f"{value:g}" if isinstance(value, float) else str(value)
    elif isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


_TYPE_NAMES = {
    "number": "a number",
    "integer": "a whole number",
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


def _describe(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return show(value)
    if isinstance(value, str):
        return f"text {show(value)}"
    if isinstance(value, bool) or value is None:
        return show(value)
    return f"the number {show(value)}"


def _type_names(limit: Any) -> list[str]:
    kinds = limit if isinstance(limit, list) else [limit]
    return [_TYPE_NAMES.get(str(k), str(k)) for k in kinds]


def _expected_types(error: ValidationError) -> str:
    if error.validator in ("oneOf", "anyOf"):
        names: list[str] = []
        for sub in error.context or []:
            if sub.validator == "type":
                names += _type_names(_limit(sub))
        return " or ".join(dict.fromkeys(names)) or "another shape"
    return " or ".join(_type_names(_limit(error)))


def _message(error: ValidationError) -> str:
    v, value, limit = str(error.validator), error.instance, _limit(error)
    if v == "required":
        return "required field is missing"
    if v == "additionalProperties":
        name = _unexpected(error)
        allowed = sorted(_schema(error).get("properties", {}))
        guess = difflib.get_close_matches(name, allowed, n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else f"; expected one of: {', '.join(allowed)}"
        return f"unknown field '{name}'{hint}"
    if v == "type":
        return f"expected {_expected_types(error)}, got {_describe(value)}"
    if v in ("oneOf", "anyOf"):
        if not error.context:
            return f"{show(value)} matches more than one allowed shape: keep only one"
        return f"expected {_expected_types(error)}, got {_describe(value)}"
    if v == "enum":
        return f"{show(value)} is not one of: {', '.join(str(x) for x in limit)}"
    if v == "minimum":
        return f"{show(value)} is less than the minimum of {show(limit)}"
    if v == "maximum":
        return f"{show(value)} is more than the maximum of {show(limit)}"
    if v == "exclusiveMinimum":
        extra = " (write null or leave the field out when unknown; never 0)" if limit == 0 else ""
        return f"{show(value)} must be greater than {show(limit)}{extra}"
    if v == "exclusiveMaximum":
        return f"{show(value)} must be less than {show(limit)}"
    if v == "pattern":
        expected = _schema(error).get("description", "the pattern " + str(limit))
        return f"{show(value)} is not valid: expected {_lower(str(expected))}"
    if v == "minLength":
        return "must not be empty" if limit == 1 else f"{show(value)} is shorter than {limit} characters"
    if v == "maxLength":
        return f"text is longer than {limit} characters"
    if v == "minItems":
        return "must not be empty" if limit == 1 else f"needs at least {limit} items"
    if v == "maxItems":
        return f"has more than {limit} items"
    if v == "uniqueItems":
        return "lists the same item twice"
    if v == "minProperties":
        return "must not be empty"
    if v == "propertyNames":
        return f"{show(value)} is not a valid name"
    return error.message


def _lower(text: str) -> str:
    text = text.rstrip(".")
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def iter_properties(node: Any, trail: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property definition in a schema document, for checks such as 'each has a description'."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{trail}.{name}" if trail else name, sub
        for key, sub in node.items():
            if key != "properties":
                yield from iter_properties(sub, trail)
            else:
                for name, prop in sub.items():
                    yield from iter_properties(prop, f"{trail}.{name}" if trail else name)
    elif isinstance(node, list):
        for sub in node:
            yield from iter_properties(sub, trail)
