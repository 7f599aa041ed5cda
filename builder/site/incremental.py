"""Which generated pages a preview rebuild must render again, from what changed in the registry since the last build."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from builder.load.loader import Stamps
from builder.records.registry import FOLDERS, Registry
from builder.site.pages import DOWNLOADS_PAGE

SHOWS_VERSION = frozenset(
    {DOWNLOADS_PAGE}
)  # the pages that show the dataset version (with the data files written alongside)


@dataclass(frozen=True)
class Snapshot:
    """What a successful build was made from: the registry, its files' stamps, everything else a page depends on
    (templates, schemas, settings: `fingerprint`), the generated pages it wrote, and the dataset version (which the
    downloads show)."""

    registry: Registry
    stamps: Stamps
    fingerprint: str
    pages: frozenset[str]
    version: str = ""


@dataclass(frozen=True)
class Plan:
    """The generated pages to render again (None: every one)."""

    stale: frozenset[str] | None

    def renders(self, path: str) -> bool:
        return self.stale is None or path in self.stale

    def including(self, paths: Iterable[str]) -> Plan:
        """This plan with these pages rendered too (a preview may have stopped writing the downloads before they were
        done)."""
        return self if self.stale is None else Plan(self.stale | frozenset(paths))


EVERYTHING = Plan(None)


def plan(before: Snapshot | None, now: Snapshot) -> Plan:
    """Only model files changed (edited, added or removed): their pages, the pages of what they refer to or what
    refers to them (before and after the edit), and every page that is not one record's (indexes, methodology,
    downloads...). Any other change (a hardware, grid, organization or claim file, the assumptions, a template, a
    schema, the settings) renders everything: those feed the derived figures of any number of models. A new dataset
    version (a commit, or the first edit in a git checkout) renders the pages that show it."""
    if before is None or before.fingerprint != now.fingerprint:
        return EVERYTHING
    versioned = SHOWS_VERSION & now.pages if before.version != now.version else frozenset()
    changed = {path for path in {*before.stamps, *now.stamps} if before.stamps.get(path) != now.stamps.get(path)}
    if not changed:
        return Plan(versioned)
    root = now.registry.root
    if any(path.parent != root / FOLDERS["model"] or path.suffix != ".yaml" for path in changed):
        return EVERYTHING
    models = {path.stem for path in changed}
    stale = {page for page in now.pages if _record_of(page, now.registry, before.registry) is None}
    for registry in (before.registry, now.registry):
        stale.update(_pages_of(models, registry))
    return Plan(frozenset(stale & now.pages) | versioned)


def _pages_of(models: Iterable[str], registry: Registry) -> set[str]:
    """The pages showing any of these models in this version of the registry: theirs, their organizations',
    accelerator's, grid's, and those of the claims that name them."""
    pages = set()
    for model_id in models:
        pages.add(f"models/{model_id}.md")
        m = registry.models.get(model_id)
        if m is None:
            continue
        pages.update(f"organizations/{o}.md" for o in m.organizations)
        if m.training.accelerator:
            pages.add(f"hardware/{m.training.accelerator}.md")
        if m.training.location.grid:
            pages.add(f"grids/{m.training.location.grid}.md")
    pages.update(f"claims/{c.id}.md" for c in registry.claims.values() if set(c.related_models) & set(models))
    return pages


def _record_of(page: str, *registries: Registry) -> str | None:
    """The record a page is about (`models/<id>.md` and the like), or None for a page about many."""
    folder, _, name = page.rpartition("/")
    stem = name.removesuffix(".md")
    if not name.endswith(".md") or "/" in folder:
        return None
    for registry in registries:
        records: Mapping[str, object] = getattr(registry, folder, {}) if folder in FOLDERS.values() else {}
        if stem in records:
            return stem
    return None
