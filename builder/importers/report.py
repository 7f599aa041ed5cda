"""What an import did, file by file, with reasons; and progress output that suits a terminal or a CI log."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from builder.safetext import printable

Progress = Callable[[int, int, str], None]
ACTIONS = ("added", "changed", "unchanged", "skipped", "conflict", "flagged")


@dataclass(frozen=True)
class Entry:
    """One line of the report: an action on a record (or an upstream row) and why."""

    action: str
    what: str
    reason: str = ""


@dataclass
class Report:
    """Everything an import added, changed, left alone, skipped, kept against the import (conflicts) or flagged."""

    kind: str
    dry_run: bool = False
    entries: list[Entry] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def add(self, action: str, what: str, reason: str = "") -> None:
        self.entries.append(Entry(action, what, reason))

    def count(self, action: str) -> int:
        return sum(1 for e in self.entries if e.action == action)

    def of(self, action: str) -> list[Entry]:
        return [e for e in self.entries if e.action == action]

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(a)} {a}" for a in ACTIONS if self.count(a))
        prefix = "dry run, nothing written: " if self.dry_run else ""
        return f"import {self.kind}: {prefix}{counts or 'nothing to do'}"

    def as_text(self, verbose: bool = False) -> str:
        """Readable report: every change, skip, conflict and flag with its reason, then a summary line."""
        lines = []
        for e in self.entries:
            if e.action == "unchanged" and not verbose:
                continue
            lines.append(
                printable(f"{e.action:9} {e.what}" + (f": {e.reason}" if e.reason else ""))
            )  # upstream text: no raw controls
        lines.append(self.summary())
        return "\n".join(lines) + "\n"


def progress_printer(stream: TextIO | None = None, every: float = 5.0) -> Progress:
    """A progress callback: a redrawn bar on a terminal, a plain line every few seconds (and at the end) otherwise."""
    out = stream or sys.stderr
    tty = out.isatty()
    last = [0.0]

    def show(done: int, total: int, label: str) -> None:
        if total <= 0:
            return
        if tty:
            width = 30
            filled = width * done // total
            out.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done >= total:
                out.write("\n")
            out.flush()
            return
        now = time.monotonic()
        if done >= total or now - last[0] >= every:
            last[0] = now
            out.write(f"{label}: {done}/{total}\n")
            out.flush()

    return show
