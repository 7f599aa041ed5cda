"""Which registry entries a change adds, edits or removes, with their headline figures, for pull-request summaries."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from builder.derived import ModelReport
from builder.formatting import span
from builder.registry import FOLDERS, Registry

KIND_OF_FOLDER = {folder: kind for kind, folder in FOLDERS.items()}
STATUS = {"A": "added", "M": "changed", "D": "removed", "R": "renamed"}
HEADLINES = (("emissions_tco2e", "emissions"), ("energy_mwh", "energy"), ("compute_flop", "compute"))


class ChangesError(Exception):
    """git could not say what changed (not a checkout, or an unknown revision)."""


@dataclass(frozen=True)
class Change:
    status: str
    kind: str
    id: str
    path: str
    figures: tuple[str, ...] = ()


def changed_paths(root: Path, since: str) -> list[tuple[str, str]]:
    """(status letter, path) of registry files that differ between `since` and the working tree, new untracked files included."""
    done = subprocess.run(["git", "diff", "--name-status", "--no-renames", since, "--", "."], cwd=root, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise ChangesError(done.stderr.strip() or f"git diff against {since} failed")
    out = []
    for line in done.stdout.splitlines():
        status, _, path = line.partition("\t")
        if path.endswith(".yaml"):
            out.append((status[:1], path))
    untracked = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "--full-name", "--", "."], cwd=root,
                               capture_output=True, text=True, check=False)
    out += [("A", path) for path in untracked.stdout.splitlines() if path.endswith(".yaml")]
    return sorted(out, key=lambda item: item[1])


def changes(paths: list[tuple[str, str]], registry: Registry, reports: Mapping[str, ModelReport]) -> list[Change]:
    """Each changed file as an entry, models with their headline figures (reported or estimated, with range)."""
    found = []
    for status, path in paths:
        parts = Path(path).parts
        kind = KIND_OF_FOLDER.get(parts[-2], Path(path).stem) if len(parts) >= 2 else Path(path).stem
        record_id = Path(path).stem
        figures: tuple[str, ...] = ()
        report = reports.get(record_id) if kind == "model" else None
        if report is not None:
            metrics = report.training.metrics
            figures = tuple(f"{label} {span(m.value, m.low, m.high)} {m.unit} ({m.method})" for key, label in HEADLINES
                            if (m := metrics.get(key)) is not None)
        found.append(Change(STATUS.get(status, status), kind, record_id, path, figures))
    return found


def summary(found: list[Change], since: str) -> str:
    """The Markdown job summary (GitHub renders it on the workflow run)."""
    env = Environment(loader=PackageLoader("builder", "templates"), autoescape=False, undefined=StrictUndefined,  # Markdown for GitHub
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = lambda text: str(text).replace("|", "\\\\|").replace("\\n", " ")
    return env.get_template("summary.md.j2").render(changes=found, since=since)
