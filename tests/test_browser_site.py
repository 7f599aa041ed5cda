"""The built site in headless Chromium: pages load without console errors or outside requests, the index filters, search finds models."""

from __future__ import annotations

import functools
import http.server
import importlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from test_site import build, make_project

CHROMIUM = Path(os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium"))  # another path: for the test that it is required
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"  # set by CI, where a skip would leave pull requests unguarded
if not CHROMIUM.exists():  # one line in the report for the whole module, not one per test
    if REQUIRED:
        pytest.fail(f"Chromium not found at {CHROMIUM} and REQUIRE_BROWSER_TESTS=1: install it (.ci/run does)",
                    pytrace=False)
    pytest.skip("Chromium not found at /usr/bin/chromium: browser tests skipped", allow_module_level=True)


def _module(name: str, reason: str) -> Any:
    """A module the browser tests need: skipped without it, unless REQUIRE_BROWSER_TESTS asks for them (then import fails)."""
    return importlib.import_module(name) if REQUIRED else pytest.importorskip(name, reason=reason)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site built and served on 127.0.0.1 from a thread."""
    root = tmp_path_factory.mktemp("browser")
    done = build(make_project(root), root / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = _module("playwright.sync_api", "playwright not installed: browser tests skipped")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watch:
    """Console errors, page errors, outside requests and bytes fetched by one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.requests: list[str] = []
        self.bytes: dict[str, int] = {}
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", self._response)
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _response(self, response: Any) -> None:
        try:
            self.bytes[response.url] = len(response.body())
        except Exception:  # redirects and aborted requests have no body
            self.bytes[response.url] = 0

    def clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside


def basic_a11y(page: Any) -> None:
    """What axe-core would flag first, checked without it: language, labelled controls, named images and charts."""
    assert page.get_attribute("html", "lang") == "en"
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), select')]
        .filter(e => e.offsetParent !== null)
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.name)""")
    assert unlabelled == []
    assert page.evaluate("() => [...document.querySelectorAll('img:not([alt])')].length") == 0
    assert page.evaluate("""() => [...document.querySelectorAll('main svg[role=img]')]
        .filter(s => !s.getAttribute('aria-labelledby') && !s.getAttribute('aria-label')).length""") == 0
    assert page.locator("h1").count() == 1


def test_home_loads(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served)
    assert page.locator("h1").inner_text() == "AI Impact Registry"
    assert page.locator("svg[role=img]").count() >= 2
    basic_a11y(page)
    assert not any("/pagefind/" in u for u in watch.requests), "search files were fetched before the reader typed"
    watch.clean()
    page.close()


def test_index_filters_by_typing(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served + "models/")
    assert page.locator("#rg-count").inner_text().startswith("2 of 2")
    page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
    basic_a11y(page)
    page.wait_for_load_state("networkidle")
    assert not any(u.endswith("/rows.json") for u in watch.requests), "rows.json was fetched before the reader used the table"
    page.click("#rg-q")
    page.keyboard.type("ex-1 example")
    page.wait_for_function("document.getElementById('rg-count').textContent.startsWith('1 of 2')")
    assert any(u.endswith("/rows.json") for u in watch.requests)
    assert page.locator("#rg-models tbody tr").count() == 1
    page.keyboard.press("Control+A")
    page.keyboard.type("script")
    page.wait_for_function("document.getElementById('rg-count').textContent.startsWith('1 of 2')")
    assert page.locator("#rg-models tbody th a").inner_text() == "<script>alert(1)</script>"
    page.fill("#rg-q", "")
    page.select_option("#rg-f-reported_emissions", "reported")
    page.wait_for_function("document.getElementById('rg-count').textContent.startsWith('1 of 2')")
    assert page.locator("#rg-models tbody th a").inner_text() == "Example Model"
    page.select_option("#rg-f-reported_emissions", "")
    page.click("th[data-key=emissions] button")
    assert page.get_attribute("th[data-key=emissions]", "aria-sort") == "descending"
    watch.clean()
    page.close()


def test_index_lists_models_without_javascript(browser: Any, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "models/")
    assert page.locator("#rg-models tbody tr").count() == 2
    context.close()


def test_model_page(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served + "models/example-model/")
    basic_a11y(page)
    assert page.locator("h1").inner_text() == "Example Model"
    how = page.locator("#metric-energy_mwh details summary")
    how.click()
    assert page.locator("#metric-energy_mwh details").get_attribute("open") is not None
    watch.clean()
    page.close()


def test_search_finds_a_model_by_typing(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served + "hardware/example-gpu/")
    page.click("#rg-search-input")
    page.keyboard.type("EX-1")
    page.wait_for_selector("#rg-search-results a")
    first = page.locator("#rg-search-results a").first
    assert first.inner_text() == "Example Model"
    fetched = sum(size for url, size in watch.bytes.items() if "/pagefind/" in url)
    assert fetched < 300_000, fetched
    first.click()
    page.wait_for_url("**/models/example-model/")
    watch.clean()
    page.close()


@pytest.mark.parametrize(("typed", "found"), [("Example Lab", "Example Model"), ("formula", None)])
def test_search_looks_up_names_and_facts_not_every_figure(browser: Any, served: str, typed: str, found: str | None) -> None:
    page = browser.new_page()
    page.goto(served)
    page.click("#rg-search-input")
    page.keyboard.type(typed)
    if found is None:  # each keystroke searches: wait for the answer to the whole word, not to a prefix of it
        page.locator("#rg-search-results li", has_text=f"No match for “{typed}”.").wait_for()
        assert page.locator("#rg-search-results li").all_inner_texts() == [f"No match for “{typed}”."]
    else:
        page.locator("#rg-search-results li").first.wait_for()
        assert found in page.locator("#rg-search-results a").all_inner_texts()
    page.close()


@pytest.mark.parametrize("path", ["", "models/", "models/example-model/", "models/xss-model/", "inference/", "downloads/", "methodology/"])
def test_axe_finds_no_serious_or_critical_violations(browser: Any, served: str, path: str) -> None:
    axe_module = _module("axe_playwright_python.sync_playwright", "axe-playwright-python not installed: axe checks skipped")
    page = browser.new_page()
    page.goto(served + path)
    results = axe_module.Axe().run(page)
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    page.close()


@pytest.mark.parametrize("path", ["models/xss-model/", "models/", "inference/", "organizations/example-lab/", "models/list/"])
def test_hostile_entry_text_neither_runs_nor_becomes_markup(browser: Any, served: str, path: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    watch = Watch(page)
    page.goto(served + path)
    page.wait_for_load_state("networkidle")
    if path == "models/":
        page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
        page.click("#rg-q")
        page.keyboard.type("img")
    assert dialogs == []
    injected = page.evaluate("""() => ({
        img: document.querySelectorAll('img[src="x"], img[onerror]').length,
        script: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(')).length,
        markup: [...document.querySelectorAll('article b, article i, article strong')]
            .filter(e => ['bold', 'co', 'stars'].includes(e.textContent.trim())).length,
        js_links: document.querySelectorAll('a[href^="javascript:" i]').length})""")
    assert injected == {"img": 0, "script": 0, "markup": 0, "js_links": 0}
    watch.clean()
    page.close()
