"""Staging folders beside an export: removed when the export is interrupted by a signal, and swept when a killed one
left them."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

SIGNALS = (
    "SIGTERM",
    "SIGHUP",
)  # SIGINT already raises KeyboardInterrupt; SIGKILL cannot be caught (the sweep handles it)


class Interrupted(BaseException):
    """A signal asked the export to stop: raised where it was, so every cleanup on the way out runs."""


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.(?:new|old)-(\d+)-[^/]*\Z")


def prefix(out_dir: Path, kind: str = "new") -> str:
    """The name a staging (or set-aside) folder of `out_dir` starts with; it carries the writing process's id."""
    return f".{out_dir.name}.{kind}-{os.getpid()}-"


def sweep(out_dir: Path) -> list[Path]:
    """Remove the staging and set-aside folders of `out_dir` whose writing process is gone (killed exports left about
    41 MB each); returns what was removed."""
    pattern = _pattern(out_dir.name)
    removed = []
    with contextlib.suppress(OSError):
        for entry in out_dir.parent.iterdir():
            found = pattern.match(entry.name)
            if found and not _alive(int(found.group(1))) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (a zombie counts as gone)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return True


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A new staging folder beside `out_dir` (stale ones swept first), removed on the way out, also when SIGTERM or
    SIGHUP interrupts (they raise Interrupted while it is in use, in the main thread; the process then ends as the
    signal asked)."""
    sweep(out_dir)
    folder = Path(tempfile.mkdtemp(prefix=prefix(out_dir), dir=out_dir.parent))
    with _signals_raise():
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise Interrupted (where they may be handled: the main thread); afterwards
    the earlier handlers are back, and a signal that interrupted is sent again so the process ends as it would have."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def handler(number: int, _frame: FrameType | None) -> None:
        caught.append(number)
        raise Interrupted(signal.Signals(number).name)

    earlier = {name: signal.signal(getattr(signal, name), handler) for name in SIGNALS if hasattr(signal, name)}
    try:
        yield
    finally:
        for name, previous in earlier.items():
            signal.signal(getattr(signal, name), previous)
        if caught:
            signal.raise_signal(caught[0])
