"""Calls run in a forked process while the caller goes on, so page rendering and exports use the second core while MkDocs
renders its own part of each page; where fork is unavailable the calls run in this process when their results are asked for."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any, Generic, TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.2  # how often a wait checks that the forked process is still alive
# The queue's thread sends each result once it gets the lock that the calls hold while they run (Python's default: 5 ms
# apart), which made MkDocs wait 39 s at 10,000 pages for bodies already rendered; 0.5 ms cut that to 12 s.
SWITCH_SECONDS = 0.0005


class BackgroundError(Exception):
    """A call failed in the forked process (the message holds its traceback), or the process ended before giving every result."""


def can_fork() -> bool:
    """Linux only: macOS offers fork, but its system libraries are not safe in a forked child of a threaded process."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


Calls = Sequence[tuple[str, Callable[[], Any]]]


def _run(plan: Callable[[], Calls], out: Queue[tuple[str, str, Any]]) -> None:
    """The forked process: lists the calls, makes each in order and sends its result as soon as it is ready; a failure sends
    its traceback and stops."""
    key = "listing the calls"
    sys.setswitchinterval(SWITCH_SECONDS)
    # No cyclic collector here: this short-lived process makes few reference cycles (its peak memory at 10,000 models is the
    # same without it), and the collector's full passes over the growing reports and tables cost a third of the derivation
    # and a fifth of the downloads.
    gc.disable()
    try:
        for key, call in plan():
            out.put(("result", key, call()))
    except BaseException:  # whatever it is, the parent must learn of it rather than wait
        out.put(("error", key, traceback.format_exc()))
        return
    out.put(("done", "", None))


class Results(Generic[T]):
    """Results of calls made in order in one forked process, read back by key in any order. The calls are given as a list, or
    as a function that lists them, called in the forked process, so the listing is off the caller's path too. `fork=False` (or
    no fork on this platform) lists them here and makes each call when its result is first asked for."""

    def __init__(self, calls: Sequence[tuple[str, Callable[[], T]]] | Callable[[], Sequence[tuple[str, Callable[[], T]]]],
                 fork: bool = True) -> None:
        self._plan = calls if callable(calls) else functools.partial(list, calls)
        self._here: dict[str, Callable[[], T]] | None = None
        self._taken: set[str] = set()
        self._ready: dict[str, T] = {}
        self._process: BaseProcess | None = None
        self._cancelled = threading.Event()
        if fork and can_fork():
            context = multiprocessing.get_context("fork")
            self._queue: Queue[tuple[str, str, Any]] = context.Queue()
            gc.freeze()  # the child's collector then leaves the shared objects alone, so fewer memory pages get copied
            try:
                self._process = context.Process(target=_run, args=(self._plan, self._queue), daemon=True)
                self._process.start()
            finally:
                gc.unfreeze()

    @property
    def forked(self) -> bool:
        return self._process is not None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def get(self, key: str) -> T:
        """The result of the call named `key`, waiting for it if needed; each result can be taken once."""
        if key in self._taken:
            raise KeyError(key)
        if self._process is None:
            call = self._calls_here().pop(key)
            self._taken.add(key)
            return call()
        while key not in self._ready:
            self._receive(key)
        self._taken.add(key)
        return self._ready.pop(key)

    def cancel(self) -> None:
        """Make a wait for a result in another thread end with BackgroundError within POLL_SECONDS (that thread then closes)."""
        self._cancelled.set()

    def _calls_here(self) -> dict[str, Callable[[], T]]:
        if self._here is None:
            self._here = dict(self._plan())
        return self._here

    def _receive(self, wanted: str) -> None:
        assert self._process is not None
        if self._cancelled.is_set():
            raise BackgroundError(f"cancelled before giving {wanted!r}")
        try:
            kind, key, value = self._queue.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not self._process.is_alive() and self._queue.empty():
                raise BackgroundError(f"the background process ended (exit code {self._process.exitcode}) before giving {wanted!r}") from None
            return
        if kind == "error":
            self.close()
            raise BackgroundError(f"{key} failed in the background process:\n{value}")
        if kind == "done":
            raise BackgroundError(f"the background process gave no result for {wanted!r}")
        self._ready[key] = value

    def close(self) -> None:
        """Stop the forked process, whether or not every result was read."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._queue.close()
        self._queue.cancel_join_thread()
        self._process = None
