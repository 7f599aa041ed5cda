"""The Registry type: every record by kind and id, as loading returns it (no I/O here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from builder.records.types import RELATIONS, Assumption, Claim, Grid, Hardware, Model, Operator, Organization, Source

FOLDERS = {
    "model": "models",
    "hardware": "hardware",
    "grid": "grids",
    "organization": "organizations",
    "claim": "claims",
}


@dataclass(frozen=True)
class Registry:
    """Every record by kind and id; built only from a registry with no errors."""

    root: Path
    models: Mapping[str, Model]
    hardware: Mapping[str, Hardware]
    grids: Mapping[str, Grid]
    organizations: Mapping[str, Organization]
    claims: Mapping[str, Claim]
    assumptions: Mapping[str, Assumption]
    assumption_sources: tuple[Source, ...] = ()
    openness_scoring: Mapping[str, Any] = field(default_factory=dict)
    precedence: Mapping[str, Any] = field(default_factory=dict)
    operators: Mapping[str, Operator] = field(default_factory=dict)
    organization_kinds: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    schema_folder: Path | None = (
        None  # the schemas it was validated with, which exports and pages describe (None: the default)
    )

    def assumption(self, key: str) -> Assumption:
        return self.assumptions[key]

    @cached_property
    def referring(self) -> Mapping[tuple[str, str], tuple[Model, ...]]:
        """The models pointing at each organization, accelerator and grid, keyed by (folder, id): built once, not
        once per page."""
        found: dict[tuple[str, str], list[Model]] = {}
        for m in self.models.values():
            keys = {("organizations", o) for o in m.organizations}
            keys.add(("hardware", m.training.accelerator or ""))
            keys.add(("grids", m.training.location.grid or ""))
            for key in keys:
                found.setdefault(key, []).append(m)
        return {key: tuple(models) for key, models in found.items()}

    @cached_property
    def related(self) -> Mapping[tuple[str, str], tuple[Model, ...]]:
        """The models naming each model in a relation, keyed by (relation, model id), by name: the other side of each
        link."""
        found: dict[tuple[str, str], list[Model]] = {}
        for m in self.models.values():
            for relation in RELATIONS:
                target = getattr(m, relation)
                if target:
                    found.setdefault((relation, target), []).append(m)
        return {key: tuple(sorted(models, key=lambda m: m.name.lower())) for key, models in found.items()}
