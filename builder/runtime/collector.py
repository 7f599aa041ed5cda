"""The one place the builder touches Python's cyclic garbage collector: the registry's data and records are trees
without cycles, so the collector's full passes over them as they grow are wasted (figures: benchmarks/README.md)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block (as it was, after): for loading a registry."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze() -> None:
    """Every object alive now out of the collector's reach, for what lives to the end of a build (undone by thaw)."""
    gc.freeze()


def thaw() -> None:
    gc.unfreeze()


def off() -> None:
    """The collector off for good: for a short-lived process that makes few cycles."""
    gc.disable()


@contextlib.contextmanager
def shared_with_fork() -> Iterator[None]:
    """Objects alive now frozen while a process is forked, so the child's collector leaves them alone and fewer memory
    pages are copied; what the caller froze stays frozen after."""
    frozen = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:
            gc.unfreeze()
