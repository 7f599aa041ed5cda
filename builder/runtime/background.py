"""Calls run in a forked process while the caller goes on, so page rendering and exports use the second core while
MkDocs renders its own part of each page; where fork is unavailable the calls run in this process when their results
are asked for."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import os
import pickle
import queue
import signal
import struct
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any, Generic, TypeVar

from builder.runtime import collector

T = TypeVar("T")
POLL_SECONDS = 0.2  # how often a wait checks that the forked process is still alive
# A forked process that sends no word for this long is taken for stuck (a deadlock) and stopped, so a build fails
# instead of waiting forever; its longest single call (the downloads at 10,000 models) takes far less.
WATCHDOG_SECONDS = 600.0
ORPHAN_POLL_SECONDS = 0.05  # how often the forked process checks that its parent is still there
# The queue's thread says a result is ready once it gets the lock that the calls hold while they run (at Python's
# default switch interval a caller waiting for a body waited that long for each).
SWITCH_SECONDS = 0.0005


class BackgroundError(Exception):
    """A call failed in the forked process (the message holds its traceback), or the process ended before giving
    every result."""


def can_fork() -> bool:
    """Linux only: macOS offers fork, but its system libraries are not safe in a forked child of a threaded process."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


Calls = Sequence[tuple[str, Callable[[], Any]]]


class _Spool:
    """Results appended by the forked process to an unlinked temporary file (gone with the last process that has it
    open), read back here by key.

    Not queue messages: the queue's thread sends one only when it gets the interpreter lock, which the downloads'
    calls into C hold for long stretches (one CSV table is one call), so MkDocs waited for bodies rendered long
    before. A result here is readable as soon as its call returned. The file holds every result until the caller
    closes (every page body), in the page cache more than on disk."""

    HEADER = struct.Struct("<IQ")  # key length, result length
    PEEK = 512  # bytes read with a header, enough for the key that follows it

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close)
        self._read = 0  # where the first record not yet looked at starts
        self._found: dict[str, tuple[int, int]] = {}  # key: where its result starts, and its length

    def append(self, key: str, result: Any) -> None:
        """In the forked process: one record, whole, after the last."""
        name, data = key.encode("utf-8"), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        record = memoryview(b"".join((self.HEADER.pack(len(name), len(data)), name, data)))
        while record:
            record = record[os.write(self._file.fileno(), record) :]

    def __contains__(self, key: str) -> bool:
        """Whether the record of `key` is there whole (and not taken)."""
        if key not in self._found:
            self._look()
        return key in self._found

    def take(self, key: str) -> tuple[bool, Any]:
        """(True, the result) once the record of `key` is there whole; (False, None) before."""
        if key not in self:
            return False, None
        start, length = self._found.pop(key)
        return True, pickle.loads(os.pread(self._file.fileno(), length, start))

    def _look(self) -> None:
        """Note where every record written whole since the last look starts (the file only ever grows, each record's
        bytes in order, so what lies within its size was written)."""
        fd = self._file.fileno()
        size = os.fstat(fd).st_size
        while self._read + self.HEADER.size <= size:
            peek = os.pread(fd, self.HEADER.size + self.PEEK, self._read)
            name_length, length = self.HEADER.unpack_from(peek)
            start = self._read + self.HEADER.size + name_length
            if start + length > size:
                return
            name = peek[self.HEADER.size : self.HEADER.size + name_length]
            if len(name) < name_length:
                name = os.pread(fd, name_length, self._read + self.HEADER.size)
            self._found[name.decode("utf-8")] = (start, length)
            self._read = start + length

    def close(self) -> None:
        self._file.close()


def _end_with_parent(parent: int) -> None:
    """In the forked process: end as soon as the parent does (a killed `mkdocs build` left it writing into the site
    folder for a second or two). Linux sends SIGKILL when the forking thread ends (prctl PR_SET_PDEATHSIG, asked only
    when the main thread forked, which lives as long as the process); a thread also checks the parent every
    ORPHAN_POLL_SECONDS, for the rest."""
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_POLL_SECONDS)
        os._exit(1)  # the parent is gone: nobody reads the results, and the site folder is no longer ours to write

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _run(plan: Callable[[], Calls], out: Queue[tuple[str, str, Any]], spool: _Spool, parent: int) -> None:
    """The forked process: lists the calls, makes each in order and appends its result to the spool as soon as it is
    ready, then says so on the queue (for a caller waiting for it); a failure sends its traceback and stops."""
    key = "listing the calls"
    _end_with_parent(parent)
    sys.setswitchinterval(SWITCH_SECONDS)
    collector.off()  # short-lived, and it makes few cycles (its peak memory is the same without the collector)
    try:
        for key, call in plan():
            spool.append(key, call())
            out.put(("result", key, None))
    except BaseException:  # whatever it is, the parent must learn of it rather than wait
        out.put(("error", key, traceback.format_exc()))
        return
    out.put(("done", "", None))
    # Every result is in the spool: end now rather than wait for the caller to read words it may never need (a caller
    # that finds each result in the spool reads none, so the pipe fills and this process stayed until closed).
    out.cancel_join_thread()


class Results(Generic[T]):
    """Results of calls made in order in one forked process, read back by key in any order. The calls are given as a
    list, or as a function that lists them, called in the forked process, so the listing is off the caller's path
    too. `fork=False` (or no fork on this platform) lists them here and makes each call when its result is first
    asked for."""

    def __init__(
        self,
        calls: Sequence[tuple[str, Callable[[], T]]] | Callable[[], Sequence[tuple[str, Callable[[], T]]]],
        fork: bool = True,
        watchdog: float = WATCHDOG_SECONDS,
    ) -> None:
        self._plan = calls if callable(calls) else functools.partial(list, calls)
        self._watchdog = watchdog
        self._last_word = time.monotonic()  # when the forked process last said something
        self._here: dict[str, Callable[[], T]] | None = None
        self._taken: set[str] = set()
        self._process: BaseProcess | None = None
        self._spool: _Spool | None = None
        self._cancelled = threading.Event()
        if fork and can_fork():
            context = multiprocessing.get_context("fork")
            self._queue: Queue[tuple[str, str, Any]] = context.Queue()
            self._spool = _Spool()
            with collector.shared_with_fork():
                self._process = context.Process(
                    target=_run, args=(self._plan, self._queue, self._spool, os.getpid()), daemon=True
                )
                self._process.start()

    @property
    def forked(self) -> bool:
        return self._process is not None

    @property
    def running(self) -> bool:
        """Whether the forked process has not ended yet."""
        return self._process is not None and self._process.is_alive()

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
        assert self._spool is not None
        found, result = self._spool.take(key)
        while not found:
            self._receive(key)
            found, result = self._spool.take(key)
        self._taken.add(key)
        return result  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Make a wait for a result in another thread end with BackgroundError within POLL_SECONDS (that thread then
        closes)."""
        self._cancelled.set()

    def _calls_here(self) -> dict[str, Callable[[], T]]:
        if self._here is None:
            self._here = dict(self._plan())
        return self._here

    def _receive(self, wanted: str) -> None:
        """Wait for the next word from the forked process (a result ready, a failure, the end), or a short while; an
        end before `wanted` is an error."""
        assert self._process is not None and self._spool is not None
        if self._cancelled.is_set():
            raise BackgroundError(f"cancelled before giving {wanted!r}")
        try:
            kind, key, value = self._queue.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if not self._process.is_alive() and self._queue.empty() and wanted not in self._spool:
                raise BackgroundError(
                    f"the background process ended (exit code {self._process.exitcode}) before giving {wanted!r}"
                ) from None
            if time.monotonic() - self._last_word > self._watchdog:
                self.close()
                raise BackgroundError(
                    f"the background process gave no result for {self._watchdog:g} s while {wanted!r} was awaited: "
                    "taken for stuck and stopped"
                ) from None
            return
        self._last_word = time.monotonic()
        if kind == "error":
            self.close()
            raise BackgroundError(f"{key} failed in the background process:\n{value}")
        if kind == "done" and wanted not in self._spool:
            raise BackgroundError(f"the background process gave no result for {wanted!r}")

    def close(self) -> None:
        """Stop the forked process, whether or not every result was read."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        if self._process.is_alive():  # stuck where SIGTERM cannot end it
            self._process.kill()
            self._process.join()
        self._queue.close()
        self._queue.cancel_join_thread()
        self._process = None
        if self._spool is not None:
            self._spool.close()
            self._spool = None
