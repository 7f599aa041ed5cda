"""Calls run in a forked process while the caller goes on, so page rendering and exports use the second core while MkDocs
renders its own part of each page; where fork is unavailable the calls run in this process when their results are asked for."""

from __future__ import annotations

import gc
import multiprocessing
import queue
import sys
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any, Generic, TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.2  # how often a wait checks that the forked process is still alive


class BackgroundError(Exception):
    """A call failed in the forked process (the message holds its traceback), or the process ended before giving every result."""


def can_fork() -> bool:
    """Linux only: macOS offers fork, but its system libraries are not safe in a forked child of a threaded process."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _run(calls: Sequence[tuple[str, Callable[[], Any]]], out: Queue[tuple[str, str, Any]]) -> None:
    """The forked process: each call in order, its result sent as soon as it is ready; a failure sends its traceback and stops."""
    for key, call in calls:
        try:
            result = call()
        except BaseException:  # whatever it is, the parent must learn of it rather than wait
            out.put(("error", key, traceback.format_exc()))
            return
        out.put(("result", key, result))
    out.put(("done", "", None))


class Results(Generic[T]):
    """Results of calls made in order in one forked process, read back by key in any order; `fork=False` (or no fork on this
    platform) makes each call in this process when its result is first asked for."""

    def __init__(self, calls: Sequence[tuple[str, Callable[[], T]]], fork: bool = True) -> None:
        self._calls = dict(calls)
        self._ready: dict[str, T] = {}
        self._process: BaseProcess | None = None
        if fork and can_fork() and calls:
            context = multiprocessing.get_context("fork")
            self._queue: Queue[tuple[str, str, Any]] = context.Queue()
            gc.freeze()  # the child's collector then leaves the shared objects alone, so fewer memory pages get copied
            try:
                self._process = context.Process(target=_run, args=(list(calls), self._queue), daemon=True)
                self._process.start()
            finally:
                gc.unfreeze()

    @property
    def forked(self) -> bool:
        return self._process is not None

    def pending(self, key: str) -> bool:
        """Whether the result of `key` is still to be taken."""
        return key in self._calls

    def get(self, key: str) -> T:
        """The result of the call named `key`, waiting for it if needed; each result can be taken once."""
        if key not in self._calls:
            raise KeyError(key)
        if self._process is None:
            return self._calls.pop(key)()
        while key not in self._ready:
            self._receive(key)
        del self._calls[key]
        return self._ready.pop(key)

    def _receive(self, wanted: str) -> None:
        assert self._process is not None
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
