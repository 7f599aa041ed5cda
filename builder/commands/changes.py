"""Which registry entries a change adds, edits or removes, with their headline figures, for pull-request summaries."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from builder.derive.derived import ModelReport
from builder.formatting import span
from builder.records.registry import FOLDERS, Registry
from builder.safetext import printable

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
    """(status letter, path) of registry files that differ between `since` and the working tree, new untracked files
    included."""
    done = subprocess.run(
        ["git", "diff", "-z", "--name-status", "--no-renames", since, "--", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ChangesError(done.stderr.strip() or f"git diff against {since} failed")
    fields = done.stdout.split("\0")  # -z: names as they are (no quoting), each after its status, NUL-separated
    out = [
        (status[:1], path) for status, path in zip(fields[0::2], fields[1::2], strict=False) if path.endswith(".yaml")
    ]
    untracked = subprocess.run(
        ["git", "ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    out += [("A", path) for path in untracked.stdout.split("\0") if path.endswith(".yaml")]
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
            figures = tuple(
                f"{label} {span(m.value, m.low, m.high)} {m.unit} ({m.method})"
                for key, label in HEADLINES
                if (m := metrics.get(key)) is not None
            )
        found.append(Change(STATUS.get(status, status), kind, record_id, path, figures))
    return found


def summary(found: list[Change], since: str) -> str:
    """The Markdown job summary (GitHub renders it on the workflow run)."""
    env = Environment(
        loader=PackageLoader("builder.site", "templates"),
        autoescape=False,
        undefined=StrictUndefined,  # Markdown for GitHub
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = _cell
    env.filters["code"] = _code
    env.filters["figures"] = lambda text: printable(" ".join(str(text).splitlines())).replace(
        "|", "\\|"
    )  # the builder's own text
    return env.get_template("summary.md.j2").render(changes=found, since=since)


def _cell(text: object) -> str:
    """Text for a Markdown table cell: on one line, control characters escaped, every ASCII punctuation mark
    backslash-escaped (so no link, image, HTML or emphasis can start), pipes too (so the row keeps its cells)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", printable(" ".join(str(text).splitlines())))


def _code(text: object) -> str:
    """Text as a Markdown code span in a table cell, whatever it holds (a file name is chosen by the pull request):
    fenced by more backticks than it holds in a row, on one line, control characters escaped, pipes escaped (GitHub's
    tables split on them before reading code spans)."""
    flat = printable(" ".join(str(text).splitlines())).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    return f"{fence} {flat} {fence}" if flat.startswith("`") or flat.endswith("`") else f"{fence}{flat}{fence}"
