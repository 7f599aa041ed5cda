"""The scale benchmark: for N synthetic models, times and peak memory of each stage, site and search sizes, bytes a
reader downloads, all beside plain Material for MkDocs building the same pages in the same run."""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from serve import GzipHandler  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
SEARCH_TIMEOUT_MS = 120_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def phase(name: str, *args: Path) -> dict[str, Any]:
    """Run one phase in a fresh Python process and return what it measured."""
    done = subprocess.run(
        [sys.executable, str(HERE / "phases.py"), name, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def our_config(work: Path, registry: Path) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(ROOT / "docs")
    config["plugins"] = [{"registry": {"registry": str(registry), "schema": str(ROOT / "schema")}}]
    config["watch"] = []
    config["strict"] = False  # the hand-written About page links to real entries a synthetic registry does not have
    path = work / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def plain_config(work: Path, registry: Path) -> Path:
    """Plain Material over the same generated pages, written out by `builder pages`, with Material's own search."""
    docs = work / "plain-docs"
    if docs.exists():
        shutil.rmtree(docs)
    subprocess.run(
        [sys.executable, "-m", "builder", "pages", "--registry", str(registry), "--out", str(docs)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    config = {
        "site_name": "Plain Material",
        "docs_dir": str(docs),
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
        "nav": [{"Home": "index.md"}, {"Models": "models/index.md"}],
        "not_in_nav": "/models/\n/organizations/\n/hardware/\n/grids/\n/claims/\n/downloads/\n"
        "/methodology.md\n/inference.md\n",
    }
    path = work / "plain.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


PAGES_LIMIT = 1024**3  # GitHub Pages refuses a published site over 1 GB


def parts(site: Path) -> dict[str, int]:
    """The built site's bytes by what makes them up: each top-level folder (models/, api/, downloads/, pagefind/...)
    and the files at the top, largest first, so a change's effect on the 1 GB limit shows where it lands."""
    found: dict[str, int] = {}
    for entry in site.iterdir() if site.exists() else ():
        name = f"{entry.name}/" if entry.is_dir() else "(top-level files)"
        found[name] = found.get(name, 0) + (size(entry) if entry.is_dir() else entry.stat().st_size)
    return dict(sorted(found.items(), key=lambda item: -item[1]))


def tar_bytes(site: Path) -> int:
    """The site as actions/upload-pages-artifact packs it (an uncompressed tar), the size GitHub Pages holds to 1 GB:
    a 512-byte header per file and folder, each file padded to 512 bytes, two closing blocks, in records of 10,240
    bytes."""
    blocks = (
        2 + sum(1 + (-(-p.stat().st_size // 512) if p.is_file() else 0) for p in site.rglob("*"))
        if site.exists()
        else 0
    )
    return -(-blocks * 512 // 10240) * 10240


def model_page_bytes(site: Path) -> float:
    """The average bytes of a model page's HTML (models/<id>/index.html; not the index or its list), the part that
    grows most."""
    found = [p.stat().st_size for p in site.glob("models/*/index.html") if p.parent.name != "list"]
    return sum(found) / len(found) if found else 0.0


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# Checked at every animation frame (just before the browser paints it), from the navigation's start: the frame with the
# models index's first row laid out, and the frame where its filters are enabled (the HTML disables them until the
# page's script has wired them).
WATCH_INDEX = """
window.__seen = {};
(function look() {
  const row = document.querySelector("#rg-models tbody tr");
  if (window.__seen.rows === undefined && row && row.getBoundingClientRect().height > 0)
    window.__seen.rows = performance.now() / 1000;
  if (window.__seen.ready === undefined && document.querySelector("#rg-filter-set:enabled"))
    window.__seen.ready = performance.now() / 1000;
  if (window.__seen.ready === undefined || window.__seen.rows === undefined) requestAnimationFrame(look);
})();
"""


def browser_bytes(site: Path, ours: bool) -> dict[str, Any]:
    """Bytes over the wire (gzip, as static hosts serve) to open the models index, and to run one search after it;
    when the index's first rows showed, and (ours) when its filters were ready, in the browser's clock from the
    navigation's start."""
    try:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright not installed"}
    if not CHROMIUM.exists():
        return {"skipped": "Chromium not found at /usr/bin/chromium"}
    server, base = serve(site)
    requests: list[
        Any
    ] = []  # in the order they started: those before typing count for opening the page (Material's search
    sizes: dict[Any, int] = {}  # index is fetched by a worker after the page loads, whether or not anyone searches)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r))
            page.on(
                "requestfinished",
                lambda r: sizes.__setitem__(r, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]),
            )
            page.on("requestfailed", lambda r: sizes.__setitem__(r, 0))
            page.add_init_script(WATCH_INDEX)
            page.goto(base + "models/", wait_until="networkidle")
            seen = page.evaluate("window.__seen")
            rows_visible, ready = seen.get("rows"), seen.get("ready")
            first = len(requests)
            started = time.perf_counter()
            try:
                if ours:
                    page.click("#rg-search-input")
                    page.keyboard.type("synthetic model 01234")
                    page.wait_for_selector("#rg-search-results a", timeout=SEARCH_TIMEOUT_MS)
                else:
                    page.keyboard.press("/")
                    page.keyboard.type("synthetic model 01234")
                    page.wait_for_selector(".md-search-result__item", timeout=SEARCH_TIMEOUT_MS)
                first_results: float | None = time.perf_counter() - started
            except PlaywrightTimeout:
                first_results = None
            page.wait_for_load_state("networkidle")
            deadline = time.perf_counter() + SEARCH_TIMEOUT_MS / 1000
            while any(r not in sizes for r in requests) and time.perf_counter() < deadline:
                page.wait_for_timeout(100)
            opened = sum(sizes.get(r, 0) for r in requests[:first])
            searched = sum(sizes.get(r, 0) for r in requests[first:])
            browser.close()
    finally:
        server.shutdown()
    return {
        "open_index_bytes": opened,
        "search_bytes": searched,
        "first_results_seconds": first_results,
        "index_rows_seconds": rows_visible,
        "index_ready_seconds": ready,
    }


def run(models: int, work: Path) -> dict[str, Any]:
    """Every figure for one registry size; each is also written to work/results.json as soon as it is measured."""
    work.mkdir(parents=True, exist_ok=True)
    registry = generate(work / "registry", models)
    out: dict[str, Any] = {"models": models}

    def keep(key: str, value: Any) -> None:
        out[key] = value
        (work / "results.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        print(f"N={models} {key}: {json.dumps(value)[:160]}", file=sys.stderr, flush=True)

    for name in ("floor", "validate", "derive", "export"):
        keep(name, phase(name, registry))
    ours_site, plain_site = (
        work / "site",
        work / "plain-site",
    )  # none yet: main() moved the last run's scratch folder aside
    keep("build", phase("build", our_config(work, registry), ours_site))
    keep("site_bytes", size(ours_site))
    keep("site_parts", parts(ours_site))
    keep("site_tar_bytes", tar_bytes(ours_site))
    keep("model_page_bytes", model_page_bytes(ours_site))
    keep("search_index_bytes", size(ours_site / "pagefind"))
    keep("browser", browser_bytes(ours_site, True))
    keep("plain_build", phase("plain", plain_config(work, registry), plain_site))
    keep("plain_site_bytes", size(plain_site))
    keep("plain_search_index_bytes", size(plain_site / "search"))
    keep("plain_browser", browser_bytes(plain_site, False))
    return out


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| figure | " + " | ".join(f"N = {r['models']:,}" for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]

    def timed(step: str) -> list[str]:
        """Each size's seconds and peak memory of one step, as the table prints them."""
        return [f"{r[step]['seconds']:.1f} ({r[step]['peak_mb']:.0f})" for r in results]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("floor: libyaml + one jsonschema validator (s)", [f"{r['floor']['seconds']:.1f}" for r in results])
    row("validate (s, peak MB)", timed("validate"))
    row("validate / floor", [f"{r['validate']['seconds'] / r['floor']['seconds']:.2f}" for r in results])
    row("load + derive (s, peak MB)", timed("derive"))
    row("load + derive + export (s, peak MB)", timed("export"))
    row("full mkdocs build (s, peak MB)", timed("build"))
    for r in results:
        h = r["build"]["hooks"]
        r["pages_wait"] = sum(h.get(k, 0) for k in ("on_pre_build", "on_files", "on_page_content", "on_post_page"))
        r["builder_seconds"] = r["pages_wait"] + h.get("_finish_downloads", 0)
    row(
        "  of which MkDocs waits on the builder before and while building the pages: validation, page list, bodies (s)",
        [f"{r['pages_wait']:.1f}" for r in results],
    )
    row(
        "  of which, after the pages, downloads and Pagefind side by side (s; waiting for the downloads)",
        [
            f"{r['build']['hooks'].get('on_post_build', 0):.1f} ({r['build']['hooks'].get('_finish_downloads', 0):.1f})"
            for r in results
        ],
    )
    row(
        "  builder share of the build (MkDocs waiting on it, downloads wait included)",
        [f"{r['builder_seconds'] / r['build']['seconds']:.1%}" for r in results],
    )  # one decimal: the target is a bound
    row(
        "Pagefind alone on the built site (s)", [f"{r['build']['hooks'].get('pagefind_alone', 0):.1f}" for r in results]
    )
    row("plain Material, same pages, built-in search (s, peak MB)", timed("plain_build"))
    row(
        "build time ratio (ours / plain)",
        [f"{r['build']['seconds'] / r['plain_build']['seconds']:.2f}" for r in results],
    )
    row("site size (ours / plain)", [f"{mb(r['site_bytes'])} / {mb(r['plain_site_bytes'])}" for r in results])
    row(
        "  as the Pages artifact packs it (tar; share of the 1 GB limit)",
        [f"{mb(r.get('site_tar_bytes', 0))} ({r.get('site_tar_bytes', 0) / PAGES_LIMIT:.0%})" for r in results],
    )
    for name in dict.fromkeys(name for r in results for name in r.get("site_parts", {})):
        row(f"  of which {name}", [mb(r.get("site_parts", {}).get(name, 0)) for r in results])
    row("  a model page's HTML (average KB)", [f"{r.get('model_page_bytes', 0) / 1e3:.1f}" for r in results])
    row(
        "search index (Pagefind / Material)",
        [f"{mb(r['search_index_bytes'])} / {mb(r['plain_search_index_bytes'])}" for r in results],
    )
    for key, label in (
        ("open_index_bytes", "bytes to open the models index"),
        ("search_bytes", "bytes for one search after that"),
    ):
        row(
            f"{label} (ours / plain)",
            [
                f"{mb(r['browser'].get(key, 0))} / {mb(r['plain_browser'].get(key, 0))}"
                if "skipped" not in r["browser"]
                else r["browser"]["skipped"]
                for r in results
            ],
        )

    def seconds(b: dict[str, Any]) -> str:
        found = b.get("first_results_seconds")
        return f"{found:.2f} s" if found is not None else f"none within {SEARCH_TIMEOUT_MS // 1000} s"

    def moment(b: dict[str, Any], key: str) -> str:
        found = b.get(key)
        return f"{found:.2f}" if found is not None else "not seen"

    row(
        "models index: first rows visible (ours / plain; s from navigation)",
        [
            f"{moment(r['browser'], 'index_rows_seconds')} / {moment(r['plain_browser'], 'index_rows_seconds')}"
            for r in results
        ],
    )
    row(
        "models index: filters ready (ours; s from navigation)",
        [moment(r["browser"], "index_ready_seconds") for r in results],
    )
    row(
        "first search results after typing (ours / plain)",
        [f"{seconds(r['browser'])} / {seconds(r['plain_browser'])}" for r in results],
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--models", type=int, nargs="+", default=[1000, 10000], help="registry sizes (default: 1000 10000)"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/registry-benchmark"), help="scratch folder (replaced)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    old = args.work.with_name(args.work.name + ".old")
    shutil.rmtree(old, ignore_errors=True)  # left by a run that was stopped
    if args.work.exists():
        args.work.rename(old)
    results = [run(n, args.work / str(n)) for n in args.models]
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    # Deleted only now, not before each build: on ext4 without a journal (as on the machine these figures come from),
    # creating files within minutes of deleting many makes the kernel skip each recently freed inode, which put 15-25 s
    # of system time into MkDocs' own writing of the pages and so made the builder's share look smaller.
    shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":
    main()
