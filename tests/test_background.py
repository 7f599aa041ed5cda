"""Calls made in a forked process: results by key in any order, failures reported with their traceback, never a hang."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.runtime.background import BackgroundError, Results, _Spool, can_fork

needs_fork = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")


def square(n: int) -> int:
    return n * n


@needs_fork
def test_results_come_back_by_key_in_any_order() -> None:
    results = Results([(f"k{n}", lambda n=n: square(n)) for n in range(50)])
    assert results.forked
    try:
        assert results.get("k7") == 49
        assert results.get("k3") == 9
        assert [results.get(f"k{n}") for n in range(50) if n not in (3, 7)] == [
            n * n for n in range(50) if n not in (3, 7)
        ]
        with pytest.raises(KeyError):
            results.get("k0")
    finally:
        results.close()


@needs_fork
def test_calls_run_in_another_process() -> None:
    results = Results([("pid", os.getpid)])
    try:
        assert results.get("pid") != os.getpid()
    finally:
        results.close()


def fails() -> str:
    raise ValueError("a template went wrong")


@needs_fork
def test_a_failing_call_is_reported_with_its_traceback() -> None:
    results = Results([("fine", lambda: "ok"), ("broken", fails), ("never", lambda: "unreached")])
    try:
        assert results.get("fine") == "ok"
        with pytest.raises(BackgroundError) as raised:
            results.get("never")
        assert "broken failed in the background process" in str(raised.value)
        assert "ValueError: a template went wrong" in str(raised.value)
    finally:
        results.close()


@needs_fork
def test_a_process_that_dies_is_an_error_not_a_hang() -> None:
    results = Results([("gone", lambda: os._exit(3))])
    try:
        with pytest.raises(BackgroundError, match="exit code 3"):
            results.get("gone")
    finally:
        results.close()


@needs_fork
def test_close_stops_a_process_whose_results_were_not_all_read(tmp_path: Path) -> None:
    marker = tmp_path / "finished"
    results = Results([("slow", lambda: time.sleep(60) or marker.write_text("x"))])
    results.close()
    assert not marker.exists()
    assert not results.forked


@needs_fork
def test_cancel_ends_a_wait_in_another_thread() -> None:
    results = Results([("slow", lambda: time.sleep(60))])
    failed: list[BaseException] = []

    def wait() -> None:
        try:
            results.get("slow")
        except BackgroundError as exc:
            failed.append(exc)
        finally:
            results.close()

    waiting = threading.Thread(target=wait)
    waiting.start()
    results.cancel()
    waiting.join(timeout=30)
    assert not waiting.is_alive()
    assert len(failed) == 1 and "cancelled" in str(failed[0])
    assert not results.forked


def test_without_fork_each_call_runs_here_when_asked() -> None:
    made: list[str] = []
    results = Results([("a", lambda: made.append("a") or "A"), ("b", lambda: made.append("b") or "B")], fork=False)
    assert not results.forked and made == []
    assert results.get("b") == "B" and made == ["b"]
    assert results.get("a") == "A" and made == ["b", "a"]
    with pytest.raises(ValueError):
        Results([("x", fails)], fork=False).get("x")


@needs_fork
def test_the_calls_can_be_listed_in_the_forked_process() -> None:
    here = os.getpid()
    results = Results(lambda: [("listed in", os.getpid), ("sum", lambda: sum(range(10)))])
    try:
        assert results.get("sum") == 45
        assert results.get("listed in") != here
    finally:
        results.close()


@needs_fork
def test_a_listing_that_fails_is_reported() -> None:
    def listing() -> list[tuple[str, Callable[[], int]]]:
        raise RuntimeError("no pages")

    results = Results(listing)
    try:
        with pytest.raises(BackgroundError, match=r"(?s)listing the calls failed.*RuntimeError: no pages"):
            results.get("anything")
    finally:
        results.close()


def test_without_fork_the_listing_is_made_here_once() -> None:
    listed: list[int] = []

    def listing() -> list[tuple[str, Callable[[], str]]]:
        listed.append(1)
        return [("a", lambda: "A"), ("b", lambda: "B")]

    results = Results(listing, fork=False)
    assert listed == []
    assert results.get("a") == "A" and results.get("b") == "B" and listed == [1]


@needs_fork
def test_a_result_can_be_read_once_its_call_returned_whatever_the_process_does_next() -> None:
    """The forked process may then be stuck in C code holding the interpreter lock (the downloads' JSON encoding held
    it for seconds): a result already made must not wait for it. Here the process stops itself right after its first
    call."""
    results = Results(
        [("big", lambda: (os.getpid(), "x" * 4_000_000)), ("stopped", lambda: os.kill(os.getpid(), signal.SIGSTOP))]
    )
    got: list[tuple[int, str]] = []
    reading = threading.Thread(target=lambda: got.append(results.get("big")), daemon=True)
    try:
        reading.start()
        reading.join(timeout=30)
        assert not reading.is_alive(), "the result stayed behind the stopped process"
        assert got[0][1] == "x" * 4_000_000
    finally:
        for child in multiprocessing.active_children():
            child.kill()
        results.close()


def test_a_result_is_read_only_once_written_whole() -> None:
    """The forked process appends records while this process reads them: half a record is not a result yet."""
    long_key = "models/" + "k" * 2000  # longer than what is read with a record's header
    whole = _Spool()
    whole.append(long_key, "x" * 100_000)
    record = os.pread(whole._file.fileno(), 1_000_000, 0)
    spool = _Spool()
    spool.append("a", 1)
    os.write(spool._file.fileno(), record[:50_000])
    assert spool.take(long_key) == (False, None)
    assert long_key not in spool
    assert spool.take("a") == (True, 1)
    os.write(spool._file.fileno(), record[50_000:])
    assert spool.take(long_key) == (True, "x" * 100_000)
    assert spool.take(long_key) == (False, None)
    whole.close()
    spool.close()


@needs_fork
def test_forking_leaves_what_the_caller_froze_frozen() -> None:
    gc.freeze()
    try:
        results = Results([("one", lambda: 1)])
        try:
            assert results.get("one") == 1
            assert gc.get_freeze_count() > 0
        finally:
            results.close()
    finally:
        gc.unfreeze()
    results = Results([("one", lambda: 1)])
    results.close()
    assert gc.get_freeze_count() == 0


@needs_fork
def test_the_process_ends_by_itself_once_every_result_is_written_even_if_none_was_waited_for() -> None:
    results = Results([(f"k{i}", functools.partial(str, i)) for i in range(5000)])  # far more words than the pipe holds
    try:
        for _ in range(600):  # waiting here, not in get(), which would read the words
            if "k4999" in results._spool:
                break
            time.sleep(0.05)
        assert [results.get(f"k{i}") for i in (0, 4999)] == ["0", "4999"]
        for _ in range(600):
            if not results.running:
                break
            time.sleep(0.05)
        assert not results.running
    finally:
        results.close()
