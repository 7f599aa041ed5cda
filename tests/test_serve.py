"""`mkdocs serve` as a contributor uses it: an edit shows after the rebuild, a broken file is reported with its
position (MkDocs holds requests until the next good build), and the search index follows in the background."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from test_site import make_project

TIMEOUT = 180.0
MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


def serve_flags() -> list[str]:
    """The flags `make serve` passes, so this test runs the preview contributors run."""
    found = re.search(r"^SERVE_FLAGS := (.*)$", MAKEFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, "the Makefile names its serve flags in SERVE_FLAGS"
    return found[1].split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


class Serving:
    """`mkdocs serve` in a child process, with every log line it wrote."""

    def __init__(self, config: Path, port: int) -> None:
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *serve_flags(), "-f", str(config), "-a", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=config.parent,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def until(self, what: str, test: object) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if callable(test) and test():
                return
            assert self.process.poll() is None, "mkdocs serve stopped:\n" + "".join(self.log[-40:])
            time.sleep(0.1)
        pytest.fail(f"{what} within {TIMEOUT:.0f} s; log:\n" + "".join(self.log[-40:]))


def test_serve_rebuilds_on_edit_reports_a_broken_file_and_indexes_search(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}/registry/"
    page = base + "models/example-model/"
    model = tmp_path / "registry" / "models" / "example-model.yaml"
    serving = Serving(config, port)
    try:
        serving.until("the first preview", lambda: "A model used by the tests." in (fetch(page) or ""))
        serving.until("the search index", lambda: fetch(base + "pagefind/pagefind.js") is not None)
        assert any("indexing the preview in the background" in line for line in serving.log)

        model.write_text(
            model.read_text(encoding="utf-8").replace("A model used by the tests.", "Edited while serving."),
            encoding="utf-8",
        )
        serving.until("the edit in the preview", lambda: "Edited while serving." in (fetch(page) or ""))
        assert any(re.search(r"registry: \d+ of \d+ generated pages show what changed", line) for line in serving.log)

        broken = tmp_path / "registry" / "models" / "broken.yaml"
        broken.write_text("id: broken\n", encoding="utf-8")
        serving.until(
            "the broken file reported",
            lambda: any(re.search(r"broken\.yaml:1:1: name: required field is missing", line) for line in serving.log),
        )
        broken.unlink()
        serving.until("the preview back after the fix", lambda: "Edited while serving." in (fetch(page) or ""))
    finally:
        serving.process.terminate()
        serving.process.wait(timeout=30)
