"""What the dataset says about itself: version stamp, licence and upstream credits, citation, and the Frictionless
Data Package."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from builder.export.tables import Table, table_schema

NAME = "ai-impact-registry"
TITLE = "AI Impact Registry"
DESCRIPTION = (
    "An open, sourced, reproducible registry of what AI models cost the planet (training compute, energy, emissions, "
    "each with a range and its method: the developer's figure, the developer's estimate, a third party's "
    "estimate or the registry's estimate) and who can use them (access, prices, openness)."
)
HOMEPAGE = "https://github.com/ai-impact-registry/registry"
AUTHOR = "AI Impact Registry contributors"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}


@dataclass(frozen=True)
class Credit:
    """An upstream data set some figures come from, with the licence that asks for this credit."""

    title: str
    path: str
    license: str
    credit: str


CREDITS = (
    Credit(
        "Epoch AI, Data on Notable AI Models, Data on AI Models and Data on Machine Learning Hardware",
        "https://epoch.ai/data",
        "CC-BY-4.0",
        'Epoch AI, "Data on Notable AI Models", "Data on AI Models" and "Data on Machine Learning Hardware"',
    ),
    Credit(
        "Our World in Data and Ember, carbon intensity of electricity",
        "https://ourworldindata.org/grapher/carbon-intensity-electricity",
        "CC-BY-4.0",
        "Our World in Data, based on Ember and the Energy Institute",
    ),
    Credit(
        "Green Algorithms",
        "https://github.com/GreenAlgorithms/green-algorithms-tool",
        "CC-BY-4.0",
        "Lannelongue, Grealey and Inouye (2021), Green Algorithms, data v3.0",
    ),
    Credit(
        "European Open Source AI Index",
        "https://osai-index.eu",
        "CC-BY-4.0",
        "Liesenfeld and Dingemanse (2024), European Open Source AI Index, doi:10.5281/zenodo.15386042",
    ),
    Credit(
        "Model Openness Tool",
        "https://github.com/lfai/model_openness_tool",
        "MIT",
        "The Model Openness Tool Authors (LF AI & Data)",
    ),
    Credit("CodeCarbon", "https://github.com/mlco2/codecarbon", "MIT", "The CodeCarbon authors"),
    Credit(
        "ML CO2 Impact",
        "https://github.com/mlco2/impact",
        "MIT",
        "Lacoste, Luccioni, Schmidt and Dandres (2019), ML CO2 Impact",
    ),
)


def created() -> str | None:
    """The build time only when SOURCE_DATE_EPOCH asks for one, so plain exports stay byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_date() -> str:
    """The day the site is built, for its footer: SOURCE_DATE_EPOCH's when set (reproducible builds), else today
    (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return (datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)).strftime("%Y-%m-%d")


def credits_text() -> str:
    return "; ".join(f"{c.credit} ({c.license})" for c in CREDITS)


def metadata(version: str) -> dict[str, str]:
    """The stamp every export file carries where its format has room for one."""
    stamp = {
        "name": NAME,
        "title": TITLE,
        "version": version,
        "license": LICENSE["name"],
        "homepage": HOMEPAGE,
        "credits": credits_text(),
        "citation": citation_text(version),
    }
    when = created()
    if when is not None:
        stamp["created"] = when
    return stamp


def citation_text(version: str) -> str:
    return f"{AUTHOR}. {TITLE} (dataset), version {version}. {HOMEPAGE}. Licensed CC BY 4.0."


def bibtex(version: str) -> str:
    key = "ai_impact_registry_" + "".join(ch if ch.isalnum() else "_" for ch in version)
    return (
        f"@misc{{{key},\n  author = {{{{{AUTHOR}}}}},\n  title = {{{TITLE}}},\n  version = {{{version}}},\n"
        f"  howpublished = {{\\url{{{HOMEPAGE}}}}},\n  note = {{Dataset, CC BY 4.0}}\n}}"
    )


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class FileInfo:
    """How one non-tabular download is described in the data package and on the downloads page."""

    name: str
    format: str
    mediatype: str
    title: str
    kind: str = "file"


def _resource_name(path: str) -> str:
    return path.replace("_", "-").replace(".", "-").lower()


def _published(name: str, files: Mapping[str, bytes]) -> str:
    """The file a resource is published as: its name, or its gzip-compressed form `<name>.gz` where that is written
    instead."""
    return name if name in files else f"{name}.gz"


def _compression(path: str) -> dict[str, str]:
    """The Data Package recipe "Compression of Resources": a `.gz` path says gzip (stated as well); `bytes` and
    `hash` are the compressed file's."""
    return {"compression": "gz"} if path.endswith(".gz") else {}


def datapackage(
    version: str,
    tables: Sequence[tuple[str, Table]],
    others: Sequence[FileInfo],
    files: Mapping[str, bytes],
    hashes: Mapping[str, str],
) -> dict[str, Any]:
    """A Data Package (v2): package metadata, one tabular resource per CSV with its Table Schema, and the other files
    with size and hash (`hashes`: each file's SHA-256, computed once for this and SHA256SUMS)."""
    resources: list[dict[str, Any]] = []
    for name, table in tables:
        path = _published(name, files)
        resources.append(
            {
                "name": table.name,
                "type": "table",
                "path": path,
                **_compression(path),
                "title": table.title,
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(files[path]),
                "hash": f"sha256:{hashes[path]}",
                "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\r\n"},
                "schema": table_schema(table),
            }
        )
    for info in others:
        path = _published(info.name, files)
        resources.append(
            {
                "name": _resource_name(info.name),
                "type": info.kind,
                "path": path,
                **_compression(path),
                "title": info.title,
                "format": info.format,
                "mediatype": info.mediatype,
                "bytes": len(files[path]),
                "hash": f"sha256:{hashes[path]}",
            }
        )
    package: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION + " Credit the upstream sources listed in `sources`: " + credits_text() + ".",
        "version": version,
        "homepage": HOMEPAGE,
        "licenses": [LICENSE],
        "sources": [{"title": c.title, "path": c.path, "license": c.license, "credit": c.credit} for c in CREDITS],
        "contributors": [{"title": AUTHOR, "roles": ["creator"], "path": HOMEPAGE}],
        "keywords": ["AI", "machine learning", "energy", "carbon emissions", "openness", "access"],
        "resources": resources,
    }
    when = created()
    if when is not None:
        package["created"] = when
    return package
