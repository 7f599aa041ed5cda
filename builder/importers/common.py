"""Shared helpers for importers: ids, numbers, figures, countries, licences and the citations of upstream data."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from builder.importers import upstream
from builder.importers.report import Report
from builder.records.licences import license_class

DATA = Path(__file__).resolve().parent
Record = dict[str, Any]

_NOT_ID = re.compile(r"[^a-z0-9.]+")
_SPACE = re.compile(r"\s+")
NOTE_LIMIT = 2000


def slugify(text: str) -> str:
    """A registry id from a name: lowercase letters, digits, dots and hyphens, starting with a letter or digit."""
    slug = _NOT_ID.sub("-", text.lower().replace("+", "-plus")).strip("-.")
    slug = re.sub(r"-{2,}", "-", slug)
    return slug[:100].rstrip("-.")


def key(text: str) -> str:
    """A name folded for matching: case, spaces and punctuation do not matter."""
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace("+", "plus"))


def text(value: Any, limit: int = NOTE_LIMIT) -> str | None:
    """Plain one-line text (upstream notes carry line breaks), cut to the schema's limit; None when empty."""
    if value is None:
        return None
    flat = _SPACE.sub(" ", str(value)).strip()
    if not flat:
        return None
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def number(value: Any) -> float | int | None:
    """A positive number from an upstream cell ('1.0', '7e+10', '1,024', '$3.10'); None when blank, zero or not a
    number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        parsed = float(value)
    else:
        cleaned = str(value).strip().replace(",", "").lstrip("$")
        try:
            parsed = float(cleaned)
        except ValueError:
            return None
    if not parsed > 0 or parsed == float("inf"):
        return None
    return tidy(parsed)


def tidy(value: float) -> float | int:
    """Whole numbers below a million as ints (1728.0 -> 1728), others as floats with their shortest digits."""
    if value.is_integer() and abs(value) < 1e6:
        return int(value)
    return float(repr(value))


def yaml_number(value: float) -> str:
    """A float as the registry writes it: 1.75e+11 for large or small magnitudes, plain digits otherwise."""
    if value == 0 or 1e-3 <= abs(value) < 1e6:
        return repr(value)
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    shown = "".join(map(str, digits))
    mantissa = shown[0] + "." + (shown[1:] or "0")
    power = exponent + len(digits) - 1
    return f"{'-' if sign else ''}{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"


def figure(
    value: float | int | None,
    source: str | list[str],
    note: str | None = None,
    *,
    estimated: bool = False,
    low: float | int | None = None,
    high: float | int | None = None,
    provenance: str | None = None,
    confidence: str | None = None,
) -> Record | None:
    """A sourced figure mapping in the schema's key order; None when the value is unknown."""
    if value is None:
        return None
    out: Record = {"value": value}
    if low is not None and low <= value:
        out["low"] = low
    if high is not None and high >= value:
        out["high"] = high
    out["source"] = source
    if note:
        out["note"] = text(note)
    if estimated:
        out["estimated"] = True
    if provenance and provenance != "reported":
        out["provenance"] = provenance
    if confidence:
        out["confidence"] = confidence
    return out


def status(value: str, source: str | list[str], note: str | None = None) -> Record:
    """A sourced status mapping (openness, licences)."""
    out: Record = {"value": value, "source": source}
    if note:
        out["note"] = text(note)
    return out


def put(target: Record, name: str, value: Any) -> None:
    """Set a field only when the value is known, so records never carry empty placeholders."""
    if value is not None and value != {} and value != []:
        target[name] = value


def read_csv_or_skip(path: Path, report: Report) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | None:
    """read_csv, or None after reporting the file as skipped with why it cannot be read."""
    try:
        return read_csv(path)
    except upstream.Unreadable as exc:
        report.add("skipped", str(path), str(exc))
        return None


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows (with the line each row starts on) of a CSV file; a UTF-8 BOM is dropped, quoted line breaks
    kept.

    Green Algorithms tables have two header rows, the first (starting 'index') giving units and
    comments: that row is skipped and the second is the header.
    """
    reader = csv.reader(upstream.csv_text(path))  # Unreadable: not UTF-8, a NUL
    with upstream.cell_limit():
        return _rows(reader)


def _rows(reader: Any) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """read_csv's header and rows from a reader, or Unreadable at the line where reading failed."""
    try:
        header = [h.strip() for h in next(reader, [])]
        if header and header[0].lower() == "index":
            header = [h.strip() for h in next(reader, [])]
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((line, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}))
            line = reader.line_num + 1
    except csv.Error as exc:  # a cell over the csv module's limit, broken quoting
        raise upstream.csv_error(exc, reader.line_num) from None
    return header, rows


# Between addresses in one cell: white space, quotes and angle brackets, and a comma or semicolon that ends a word
# (followed by a space, the end or the next address). A comma or semicolon inside an address stays:
# `viewdoc/download;jsessionid=...?doi=...`, `#:~:text=a,b`, `?C=S;O=A`.
_URL_SEPARATOR = re.compile(r"[\s\"<>]+|[,;]+(?=\s|$|https?://)")
_URL = re.compile(r"https?://\S+")


def urls(value: str) -> list[str]:
    """The https/http addresses in a cell that may list several, separated by spaces, commas, semicolons or line
    breaks."""
    out: list[str] = []
    for part in _URL_SEPARATOR.split(value or ""):
        found = _URL.search(part)
        if found is None:
            continue
        url = found.group(0)
        while url and (url[-1] in ".,;]" or (url[-1] == ")" and url.count(")") > url.count("("))):
            url = url[:-1]  # the sentence's punctuation or a closing parenthesis around the address
        if url not in out:
            out.append(url)
    return out


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 lookup: alpha-3 codes and folded English names (with upstream variants) to alpha-2 codes."""
    table: dict[str, str] = {}
    with (DATA / "iso3166.csv").open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            alpha2 = row["alpha2"]
            table[row["alpha3"]] = alpha2
            for name in [row["name"], *filter(None, row["names"].split("|"))]:
                table.setdefault(key(name), alpha2)
    return table


def country(name_or_code: str | None) -> str | None:
    """ISO alpha-2 for an alpha-3 code or a country name as upstream data writes it; None when unknown."""
    if not name_or_code:
        return None
    value = name_or_code.strip()
    table = countries()
    if len(value) == 3 and value.isupper() and value in table:
        return table[value]
    if len(value) == 2 and value.isalpha() and value.upper() in table.values():
        return value.upper()
    return table.get(key(value))


@cache
def _licence_table() -> dict[str, str]:
    raw = yaml.safe_load((DATA / "licenses.yaml").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for spdx, names in raw.items():
        for name in [spdx, *names]:
            table[_licence_key(str(name))] = spdx
    return table


def _licence_key(name: str) -> str:
    return _SPACE.sub(" ", name.strip().strip("'\"").rstrip(".").lower())


NO_LICENCE = frozenset(
    {
        "",
        "unlicensed",
        "undisclosed",
        "unknown",
        "unclear",
        "none",
        "n/a",
        "license",
        "other",
        "various",
        "component not included",
        "component not include",
        "component component not included",
    }
)


def licence(name: str | None) -> tuple[str | None, str | None]:
    """(SPDX id or expression, None) for a mappable licence name; (None, reason) for an unmappable one; (None, None)
    when none is stated."""
    if name is None or _licence_key(name) in NO_LICENCE:
        return None, None
    table = _licence_table()
    whole = table.get(_licence_key(name))
    if whole is not None:
        return whole, None
    parts = [p for p in re.split(r"\s+(?:and|AND|&)\s+|\s*;\s*", name.strip()) if p]
    mapped = [table.get(_licence_key(p)) for p in parts]
    if len(parts) > 1 and all(mapped):
        return " AND ".join(dict.fromkeys(m for m in mapped if m)), None
    return None, f"licence '{text(name, 120)}' has no SPDX id in builder/importers/licenses.yaml"


def hardware_names() -> dict[str, str]:
    """Epoch hardware names (folded) to registry hardware ids, from hardware_names.yaml."""
    return dict(_hardware_table()[0])


def hardware_rows() -> dict[str, list[str]]:
    """Registry hardware ids to the Epoch names that mean them; the first is the chips.csv row to take figures from."""
    return {k: list(v) for k, v in _hardware_table()[1].items()}


@cache
def _hardware_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    raw = yaml.safe_load((DATA / "hardware_names.yaml").read_text(encoding="utf-8"))
    by_name = {key(name): hw_id for hw_id, names in raw.items() for name in names}
    return by_name, {hw_id: tuple(names) for hw_id, names in raw.items()}


def hardware_id(name: str) -> str:
    """The registry hardware id an Epoch hardware name maps to (the table first, its slug otherwise)."""
    return hardware_names().get(key(name)) or slugify(name)


class Index:
    """Existing records of one kind found by id, name or alias, so imports update the record people already know."""

    def __init__(self, records: Iterable[tuple[str, Mapping[str, Any]]] = ()) -> None:
        self.ids: set[str] = set()
        self.names: dict[str, str] = {}
        for record_id, data in records:
            self.add(record_id, data)

    def add(self, record_id: str, data: Mapping[str, Any]) -> None:
        self.ids.add(record_id)
        for name in [record_id, data.get("name"), *(data.get("aliases") or []), *(data.get("former_ids") or [])]:
            if isinstance(name, str) and name:
                self.names.setdefault(key(name), record_id)

    def find(self, *names: str | None) -> str | None:
        """The id of the record any of these names or ids means, or None."""
        for name in names:
            if name and name in self.ids:
                return name
        for name in names:
            if name and key(name) in self.names:
                return self.names[key(name)]
        return None


def openness_table(root: Path) -> Mapping[str, Any]:
    """The registry's openness table (registry/openness.yaml), whose licence classes say what downloadable weights
    are."""
    path = root / "openness.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return raw if isinstance(raw, dict) and isinstance(raw.get("license_classes"), list) else {}


def downloadable_weights(spdx: str | None, table: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(licence class, status) of weights anyone can download under a licence, from the table's licence classes.

    The status is None when the licence is not classified, or its class (proprietary terms) does not show that the
    weights can be downloaded at all: the importer then cannot say what the weights are.
    """
    if not spdx or not table:
        return None, None
    cls = license_class(spdx, table)
    entry = next((c for c in table["license_classes"] if c.get("id") == cls), None)
    return cls, (entry.get("weights_when_downloadable") if entry else None)
