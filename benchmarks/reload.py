"""Edit-to-reload under `mkdocs serve`: the time from saving a model file to the rebuilt page being served with the
edit."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import our_config  # noqa: E402

EDIT = "Edited for the reload benchmark."
PORT = 8765
TIMEOUT = 1800.0


class Serve:
    """`mkdocs serve` in a child process, with its log lines and the time each arrived."""

    def __init__(self, config: Path, flags: list[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *flags, "-f", str(config), "-a", f"127.0.0.1:{PORT}"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append((time.perf_counter(), line.rstrip()))

    def wait_for(self, pattern: str, after: float) -> float:
        """The time the first log line matching `pattern` arrived after `after`."""
        while time.perf_counter() - after < TIMEOUT:
            for when, line in list(self.lines):
                if when >= after and re.search(pattern, line):
                    return when
            if self.process.poll() is not None:
                raise SystemExit("mkdocs serve stopped:\n" + "\n".join(line for _, line in self.lines[-30:]))
            time.sleep(0.05)
        raise SystemExit(f"no log line matching {pattern!r} within {TIMEOUT:.0f} s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def serve_flags(dirty: bool) -> list[str]:
    """The flags `make serve` passes (SERVE_FLAGS in the Makefile), without --dirty to measure rebuilds of every
    page."""
    found = re.search(r"^SERVE_FLAGS := (.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M)
    if found is None:
        raise SystemExit("the Makefile has no SERVE_FLAGS line")
    return [flag for flag in found[1].split() if dirty or flag != "--dirty"]


def served(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def measure(config: Path, model: Path, page_url: str, flags: list[str], pause: float = 1.0) -> dict[str, float]:
    """Start serving, wait for the first build, then edit the model's description twice, `pause` seconds after the
    page was served, timing each edit until the page shows it. A short pause leaves the last build's background work
    (search index, downloads, deriving ahead) to be stopped by the rebuild; a long one lets it finish, as while a
    contributor reads the page."""
    original = model.read_text(encoding="utf-8")
    serve = Serve(config, flags)
    started = time.perf_counter()
    try:
        result = {"first_build_seconds": serve.wait_for(r"Serving on", started) - started}
        for n, key in enumerate(("first_edit_seconds", "second_edit_seconds")):
            time.sleep(pause)
            edit = f"{EDIT} ({n + 1})"
            edited = time.perf_counter()
            if re.search(r"^description: .*$", original, flags=re.M):
                text = re.sub(r"^description: .*$", f"description: {edit}", original, count=1, flags=re.M)
            else:
                text = original.replace("\nname: ", f"\ndescription: {edit}\nname: ", 1)
            model.write_text(text, encoding="utf-8")
            while edit not in served(page_url):
                if time.perf_counter() - edited > TIMEOUT:
                    raise SystemExit(f"the edit did not show within {TIMEOUT:.0f} s")
                time.sleep(0.05)
            result[key] = time.perf_counter() - edited
        return result
    finally:
        model.write_text(original, encoding="utf-8")
        serve.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--models", type=int, help="a synthetic registry of this many models (default: the project's own registry)"
    )
    parser.add_argument(
        "--every-page", action="store_true", help="serve without --dirty: every page is rendered again on an edit"
    )
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds between the page served and the next edit (default 1)"
    )
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/registry-reload"), help="scratch folder for a synthetic registry"
    )
    args = parser.parse_args()
    if args.models:
        args.work.mkdir(parents=True, exist_ok=True)
        registry = generate(args.work / "registry", args.models)
        config = our_config(args.work, registry)
        model_id = sorted(p.stem for p in (registry / "models").glob("*.yaml"))[args.models // 2]
        model = registry / "models" / f"{model_id}.yaml"
    else:
        config, model_id = ROOT / "mkdocs.yml", "bloom"
        model = ROOT / "registry" / "models" / "bloom.yaml"
    base = urlsplit(yaml.safe_load(config.read_text(encoding="utf-8")).get("site_url") or "/").path.rstrip("/") + "/"
    result = measure(
        config, model, f"http://127.0.0.1:{PORT}{base}models/{model_id}/", serve_flags(not args.every_page), args.pause
    )
    print(
        f"first build {result['first_build_seconds']:.1f} s; edit to page served: first edit "
        f"{result['first_edit_seconds']:.1f} s, "
        f"second edit {result['second_edit_seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
