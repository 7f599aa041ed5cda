"""Compiled code kept between builds: read back when the key is the same, made again when it changed or the file is damaged,
and never read from a folder someone else could write to."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from builder.runtime import codecache

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="the cache needs a user id (POSIX)")


@pytest.fixture(autouse=True)
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    return tmp_path


def run(code: object) -> object:
    namespace: dict[str, object] = {}
    exec(code, namespace)  # type: ignore[call-overload]
    return namespace["answer"]


def test_code_is_compiled_once_for_a_key_and_again_for_another() -> None:
    made: list[str] = []

    def source(value: int) -> str:
        made.append(str(value))
        return f"answer = {value}"

    assert run(codecache.compiled("k1", lambda: source(1), "<test>")) == 1
    assert run(codecache.compiled("k1", lambda: source(2), "<test>")) == 1  # kept: not compiled again
    assert run(codecache.compiled("k2", lambda: source(3), "<test>")) == 3
    assert made == ["1", "3"]


def test_a_damaged_file_is_compiled_again(private_temp: Path) -> None:
    codecache.compiled("k", lambda: "answer = 1", "<test>")
    folder = codecache.folder()
    assert folder is not None and folder.parent == private_temp
    (kept,) = folder.glob("*.code")
    kept.write_bytes(b"not marshal data")
    assert run(codecache.compiled("k", lambda: "answer = 2", "<test>")) == 2
    assert run(codecache.compiled("k", lambda: "answer = 3", "<test>")) == 2  # the good code replaced the damaged file


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_folder_others_can_write_to_is_not_used(private_temp: Path) -> None:
    shared = private_temp / f"ai-impact-registry-cache-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    assert codecache.folder() is None
    assert run(codecache.compiled("k", lambda: "answer = 4", "<test>")) == 4
    assert list(shared.iterdir()) == []


def test_page_templates_are_kept_until_their_source_or_the_module_registering_their_filters_changes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.site import pages

    pages.environment().get_template("model.md.j2")
    env = pages.environment()
    assert env.bytecode_cache is not None and env.loader is not None
    source, filename, _ = env.loader.get_source(env, "model.md.j2")
    assert env.bytecode_cache.get_bucket(env, "model.md.j2", filename, source).code is not None
    assert env.bytecode_cache.get_bucket(env, "model.md.j2", filename, source + " ").code is None
    monkeypatch.setattr(pages, "_THIS_MODULE", "another version of pages.py")
    assert env.bytecode_cache.get_bucket(env, "model.md.j2", filename, source).code is None
