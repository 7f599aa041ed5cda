"""Hostile pull requests, faults and bad input (issue 24): each test reproduces an attack that worked before its fix."""

from __future__ import annotations

from pathlib import Path

from builder import pages, registry
from builder.exports import COLLECTIONS
from builder.reserved import RESERVED


def test_reserved_names_cover_every_file_the_site_writes_beside_records(base_registry: Path) -> None:
    """Every name the site, the API and the downloads use inside a collection's folder is reserved for that collection."""
    reg = registry.load(base_registry).require()
    ids = {folder: set(getattr(reg, attr)) for folder, attr in
           {"models": "models", "hardware": "hardware", "grids": "grids", "organizations": "organizations", "claims": "claims"}.items()}
    for generated in pages.generate(reg):
        parts = generated.path.split("/")
        if parts[0] == "api" and len(parts) == 3:
            parts = parts[1:]
        if len(parts) != 2 or parts[0] not in COLLECTIONS:
            continue
        name = parts[1].removesuffix(".md").removesuffix(".json") if parts[1] != "rows.json" else parts[1]
        if name in ids[parts[0]]:
            continue
        assert name in RESERVED[parts[0]], f"{generated.path} is not reserved for {parts[0]}"
