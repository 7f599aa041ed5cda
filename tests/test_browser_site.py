"""The built site in headless Chromium: pages load without console errors or outside requests, the index filters,
search finds models."""

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

from builder.site.pages import FIRST_ROWS

CHROMIUM = Path(
    os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium")
)  # another path: for the test that it is required
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"  # set by CI, where a skip would leave pull requests unguarded
if not CHROMIUM.exists():  # one line in the report for the whole module, not one per test
    if REQUIRED:
        pytest.fail(
            f"Chromium not found at {CHROMIUM} and REQUIRE_BROWSER_TESTS=1: install it (.ci/run does)", pytrace=False
        )
    pytest.skip("Chromium not found at /usr/bin/chromium: browser tests skipped", allow_module_level=True)


def _module(name: str, reason: str) -> Any:
    """A module the browser tests need: skipped without it, unless REQUIRE_BROWSER_TESTS asks for them (then import
    fails)."""
    return importlib.import_module(name) if REQUIRED else pytest.importorskip(name, reason=reason)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_site(site: Path) -> Iterator[str]:
    """A built site served on 127.0.0.1 from a thread, until the generator is closed."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site built and served on 127.0.0.1 from a thread."""
    root = tmp_path_factory.mktemp("browser")
    done = build(make_project(root), root / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    yield from serve_site(root / "site")


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
    unlabelled = page.evaluate("""() => [
        ...document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), select')]
        .filter(e => e.offsetParent !== null)
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.name)""")
    assert unlabelled == []
    assert page.evaluate("() => [...document.querySelectorAll('img:not([alt])')].length") == 0
    assert (
        page.evaluate("""() => [...document.querySelectorAll('main svg[role=img], main svg[role=group]')]
        .filter(s => !s.getAttribute('aria-labelledby') && !s.getAttribute('aria-label')).length""")
        == 0
    )
    assert page.locator("h1").count() == 1


def test_home_loads(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served)
    assert page.locator("h1").inner_text() == "AI Impact Registry"
    assert page.locator("#charts ~ ul a[href^='charts/#chart-']").count() >= 2  # the charts are one link away
    basic_a11y(page)
    assert not any("/pagefind/" in u for u in watch.requests), "search files were fetched before the reader typed"
    watch.clean()
    page.close()


def test_index_filters_by_typing(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served + "models/")
    assert page.locator("#rg-count").inner_text() == "Showing 2 of 2 models"
    page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
    basic_a11y(page)
    page.wait_for_load_state("networkidle")
    assert not any(u.endswith("/rows.json") for u in watch.requests), (
        "rows.json was fetched before the reader used the table"
    )
    page.click("#rg-q")
    page.keyboard.type("ex-1 example")
    page.wait_for_function(
        "document.getElementById('rg-count').textContent === 'Showing 1 of 1 matching models (of 2)'"
    )
    assert any(u.endswith("/rows.json") for u in watch.requests)
    assert page.locator("#rg-models tbody tr").count() == 1
    page.keyboard.press("Control+A")
    page.keyboard.type("script")
    page.wait_for_function("document.querySelector('#rg-models tbody th a').textContent.includes('script')")
    assert _count(page) == "Showing 1 of 1 matching models (of 2)"
    assert page.locator("#rg-models tbody th a").inner_text() == "<script>alert(1)</script>"
    page.fill("#rg-q", "")
    page.select_option("#rg-f-reported_emissions", "reported")
    page.wait_for_function("document.getElementById('rg-count').textContent.startsWith('Showing 1 of 1')")
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
    assert page.locator("#rg-models thead button.rg-sort:disabled").count() == 9  # sorting needs the script
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


@pytest.mark.parametrize(
    ("typed", "found"), [("Example Lab", "Example Model"), ("formula", "Methodology"), ("zzqx", None)]
)
def test_search_looks_up_names_facts_and_pages(browser: Any, served: str, typed: str, found: str | None) -> None:
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
    if typed == "formula":  # the formulas are on the methodology page, not indexed on every model page
        assert "Example Model" not in page.locator("#rg-search-results a").all_inner_texts()
    page.close()


AXE_PAGES = [
    "",
    "models/",
    "models/example-model/",
    "models/xss-model/",
    "inference/",
    "downloads/",
    "methodology/",
    "compare/?m=example-model,xss-model",
    "charts/",
    "claims/",
    "claims/example-claim/",
    "organizations/example-lab/",
    "hardware/",
    "hardware/example-gpu/",
    "grids/",
    "grids/fr/",
    "search/?q=example",
    "fields/",
]  # not 404.html: its links are absolute to the site URL's path, which this server lacks


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_serious_or_critical_violations(browser: Any, served: str, path: str) -> None:
    axe_module = _module(
        "axe_playwright_python.sync_playwright", "axe-playwright-python not installed: axe checks skipped"
    )
    page = browser.new_page()
    page.goto(served + path)
    page.wait_for_load_state("networkidle")
    results = axe_module.Axe().run(page)
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
    page.close()


@pytest.mark.parametrize(
    "path", ["models/xss-model/", "models/", "inference/", "organizations/example-lab/", "models/list/"]
)
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


# ---------------------------------------------------------------------------------------------------- issue 25: the
# reader

FORMAT_CASES = [
    (2.1e25, None, None, "FLOP"),
    (1.76e11, 1.4e11, 2.3e11, "parameters"),
    (1287.0, 1000.0, 1700.0, "MWh"),
    (0.45, None, None, "MWh"),
    (552.0, 441.6, 717.6, "tCO2e"),
    (0.3, None, None, "tCO2e"),
    (0.0002, None, None, "tCO2e"),
    (0.00074, 0.0000099, 0.014, "tCO2e"),
    (1.5, 1.0, 2.0, "gCO2e"),
    (1.25, 1.05, 1.35, ""),
    (999.6, None, None, ""),
    (3.14e23, None, None, ""),
    (2.5e-5, None, None, "Wh"),
    (45.0, None, None, "/ 100"),
    (12345.0, 9876.5, 15000.0, "h"),
]


def test_the_index_script_prints_numbers_as_the_builder_does(browser: Any, served: str) -> None:
    from builder.formatting import figure

    page = browser.new_page()
    page.goto(served + "models/")
    printed = page.evaluate(
        "cases => cases.map(c => window.registryFormat.figure(c[0], c[1], c[2], c[3]))", FORMAT_CASES
    )
    assert printed == [figure(v, u, lo, hi) for v, lo, hi, u in FORMAT_CASES]
    page.close()


def test_numbers_read_as_people_read_them_on_the_index_and_model_page(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "models/")
    row = page.locator("#rg-models tbody tr", has_text="Example Model")
    assert "1 B" in row.inner_text()  # parameters, not 1e9 or 1,000,000,000
    assert "20 kgCO2e" in row.inner_text()  # 0.02 t in the unit its size calls for
    page.goto(served + "models/example-model/")
    assert "1 B" in page.locator(".rg-facts").inner_text()
    assert "20 kgCO2e" in page.locator("#metric-emissions_tco2e").inner_text()
    page.close()


@pytest.fixture(scope="module")
def served_many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site with 260 more models (three organizations, released 2015 to 2024, half with a reported
    compute), served."""
    root = tmp_path_factory.mktemp("many")
    config = make_project(root)
    models = root / "registry" / "models"
    for org in ("alpha-lab", "beta-lab", "gamma-lab"):
        (root / "registry" / "organizations" / f"{org}.yaml").write_text(
            f"id: {org}\nname: {org.replace('-', ' ').title()}\nkind: company\n", encoding="utf-8"
        )
    for n in range(260):
        org = ("alpha-lab", "beta-lab", "gamma-lab")[n % 3]
        compute = f"training:\n  compute_flop: {{value: {n + 1}.0e+20, source: card}}\n" if n % 2 else ""
        (models / f"bulk-{n:03d}.yaml").write_text(
            f"id: bulk-{n:03d}\nname: Bulk {n:03d}\norganization: {org}\nreleased: {2015 + n % 10}-03\ndomains: "
            f"[language]\n{compute}"
            "sources:\n  - id: card\n    title: A card\n    url: https://example.org/card\n",
            encoding="utf-8",
        )
    done = build(config, root / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    yield from serve_site(root / "site")


def _count(page: Any) -> str:
    return str(page.locator("#rg-count").inner_text())


def test_index_counter_follows_show_more_and_default_order_is_most_compute(browser: Any, served_many: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served_many + "models/")
    assert _count(page) == f"Showing {FIRST_ROWS} of 262 models"
    first = page.locator("#rg-models tbody th a").first.inner_text()
    assert first == "Bulk 259"  # the most compute: 2.6e22 FLOP
    page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
    page.click("#rg-more button")
    page.wait_for_function(
        f"document.getElementById('rg-count').textContent === 'Showing {FIRST_ROWS + 200} of 262 models'"
    )  # a batch of 200
    page.click("#rg-more button")
    page.wait_for_function("document.getElementById('rg-count').textContent === 'Showing 262 of 262 models'")
    names = page.locator("#rg-models tbody th a").all_inner_texts()
    assert len(names) == len(set(names)) == 262  # the rows added follow on from the page's, none twice
    watch.clean()
    page.close()


def test_index_filters_live_in_the_address_and_back_restores_them(browser: Any, served_many: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served_many + "models/")
    page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
    page.click("#rg-org-input")
    page.keyboard.type("beta l")
    page.keyboard.type("ab")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('org=Beta+Lab')")
    assert page.locator("#rg-org-chosen button").inner_text() == "Beta Lab ×"
    page.wait_for_function("document.getElementById('rg-count').textContent.includes('of 87 matching models')")
    page.click("#rg-from")
    page.keyboard.type("2020")
    page.wait_for_function("location.search.includes('from=2020')")
    page.check("#rg-published")
    page.wait_for_function("location.search.includes('published=1')")
    texts = page.locator("#rg-models tbody tr").all_inner_texts()
    assert texts and all("Beta Lab" in t and "≈" not in t.split("\t")[4] for t in texts)
    assert all(int(t.split("\t")[2][:4]) >= 2020 for t in texts)
    page.click("th[data-key=name] button")
    page.wait_for_function("location.search.includes('sort=name')")
    shared = page.url
    page.go_back()
    page.wait_for_function("!location.search.includes('sort=')")
    assert page.get_attribute("th[data-key=compute]", "aria-sort") == "descending"
    other = browser.new_page()
    other.goto(shared)  # the address alone gives the same view
    other.wait_for_function("document.getElementById('rg-count').textContent.includes('matching')")
    assert other.locator("#rg-org-chosen button").inner_text() == "Beta Lab ×"
    assert other.locator("#rg-published").is_checked() and other.input_value("#rg-from") == "2020"
    assert other.get_attribute("th[data-key=name]", "aria-sort") == "ascending"
    assert other.locator("#rg-models tbody tr").all_inner_texts() == sorted(texts)
    other.close()
    watch.clean()
    page.close()


def test_index_downloads_the_current_view_as_csv(browser: Any, served_many: str) -> None:
    page = browser.new_page(accept_downloads=True)
    page.goto(served_many + "models/?org=Gamma+Lab&from=2024")
    page.wait_for_function("document.getElementById('rg-count').textContent.includes('matching')")
    with page.expect_download() as got:
        page.click("#rg-csv")
    lines = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,name,organization,released,parameters,training_compute_flop")
    assert len(lines) - 1 == page.locator("#rg-models tbody tr").count() > 0
    assert all(",Gamma Lab,2024-03," in line for line in lines[1:])
    page.close()


def test_index_on_a_phone_does_not_scroll_sideways_and_keeps_names_in_view(browser: Any, served_many: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(served_many + "models/")
    page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert not page.locator("#rg-q").is_visible()  # filters behind a button on a phone
    page.click("#rg-filter-toggle")
    assert page.locator("#rg-q").is_visible() and page.get_attribute("#rg-filter-toggle", "aria-expanded") == "true"
    page.locator(".rg-table-wrap--index").evaluate("e => e.scrollLeft = 400")
    name = page.locator("#rg-models tbody th").first.bounding_box()
    assert name is not None and name["x"] >= 0  # the name column sticks
    assert page.evaluate("getComputedStyle(document.querySelector('#rg-models thead th')).position") == "sticky"
    page.close()


def test_compare_page_shows_models_side_by_side_from_the_address(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(urlsplit(r.url).path) if r.status == 404 else None)
    page.goto(served + "compare/?m=example-model,xss-model,no-such-model")
    page.wait_for_selector(".rg-table--compare")
    heads = page.locator(".rg-table--compare thead th a").all_inner_texts()
    assert heads == ["Example Model", "<script>alert(1)</script>"]
    assert "Not found: no-such-model" in page.locator("#rg-compare-status").inner_text()
    emissions = page.locator(".rg-table--compare tbody tr", has_text="Emissions (location-based)").inner_text()
    assert "20 kgCO2e" in emissions and "reported" in emissions
    page.locator(".rg-table--compare thead th", has_text="alert").get_by_role("button").click()
    page.wait_for_function("location.search === '?m=example-model'")
    assert page.locator(".rg-table--compare thead th a").all_inner_texts() == ["Example Model"]
    assert page.locator("#rg-compare-names option").count() == 0  # made when the reader goes to the box
    page.click("#rg-compare-input")
    page.wait_for_function("document.querySelectorAll('#rg-compare-names option').length === 2")
    page.keyboard.type("<script>alert(1)</script>")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search === '?m=example-model,xss-model'")
    basic_a11y(page)
    assert missing == ["/api/models/no-such-model.json"]  # the mistyped id's file: its 404 is how it is found missing
    watch.errors = [
        e
        for e in watch.errors
        if not e.startswith("Failed to load resource: the server responded with a status of 404")
    ]
    watch.clean()
    page.close()


def test_add_to_compare_from_a_model_page_and_from_the_index(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "models/example-model/")
    button = page.locator("#rg-compare-this button")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    page.goto(served + "models/")
    page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
    assert page.locator("input[data-compare=example-model]").is_checked()
    page.check("input[data-compare=xss-model]")
    go = page.locator("#rg-compare-go")
    assert go.inner_text() == "Compare 2 models"
    go.click()
    page.wait_for_url("**/compare/?m=example-model,xss-model")
    page.wait_for_selector(".rg-table--compare")
    page.close()


def test_every_page_reaches_the_main_sections_and_home_answers_first_questions(browser: Any, served: str) -> None:
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(served)
    tabs = page.locator(".md-tabs").inner_text()
    assert all(section in tabs for section in ("Home", "Models", "Methodology"))
    claims = page.locator("#claims + p + ul li").all_inner_texts()
    assert claims == ["Unsupported Example Model emitted a tonne"]
    assert page.locator("#one-query ~ .rg-table-wrap table").count() >= 1
    trained = page.locator("#training ~ .rg-table-wrap").first.inner_text()
    assert "Example Model" in trained and "20 kgCO2e" in trained
    for href in ("models/", "downloads/", "methodology/", "about/"):
        assert page.locator(f".rg-actions a[href='{href}']").count() == 1
    page.goto(served + "hardware/example-gpu/")
    assert page.locator(".md-tabs a", has_text="Models").count() == 1
    page.close()


def test_search_puts_exact_names_first_says_the_kind_and_has_a_page_of_all_results(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served + "grids/fr/")
    page.keyboard.press("/")  # the shortcut focuses the search box
    assert page.evaluate("document.activeElement.id") == "rg-search-input"
    assert "press /" in (page.get_attribute("#rg-search-input", "placeholder") or "")
    page.keyboard.type("download")
    page.wait_for_selector("#rg-search-results a")
    first = page.locator("#rg-search-results li").first.inner_text()
    assert first.startswith("PAGE") and "Data downloads" in first
    page.fill("#rg-search-input", "")
    page.keyboard.type("Example Model")
    page.wait_for_function(
        "document.querySelector('#rg-search-results a') && document.querySelector('#rg-search-results "
        "a').textContent === 'Example Model'"
    )
    item = page.locator("#rg-search-results li").first
    assert item.locator(".rg-search__kind").inner_text().lower() == "model"
    assert "released 2022" in item.inner_text()  # the clean summary, not a run of page text
    page.goto(served + "search/?q=example")
    page.wait_for_function("document.getElementById('rg-search-page-status').textContent.includes('results for')")
    kinds = {k.lower() for k in page.locator("#rg-search-page-results .rg-search__kind").all_inner_texts()}
    assert {"model", "organization", "hardware", "claim"} <= kinds
    assert page.input_value("#rg-search-page-q") == "example"
    watch.clean()
    page.close()


def test_claim_verdicts_are_badges_on_the_index_and_first_on_the_claim_page(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "claims/")
    assert page.locator(".rg-claims li .rg-verdict").first.inner_text() == "Unsupported"
    assert page.locator("#verdicts + dl dt").count() == 6  # the vocabulary explained
    page.goto(served + "claims/example-claim/")
    first = page.locator("h1 ~ p").nth(1)
    assert first.locator(".rg-verdict").inner_text() == "Verdict: Unsupported"
    assert page.locator("h1 ~ p").nth(2).inner_text() == "The paper reports 0.02 t."
    page.close()


def test_footer_meta_titles_and_404(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served)
    assert page.title() == "AI Impact Registry"
    footer = page.locator(".rg-footer").inner_text()
    assert "CC BY 4.0" in footer and "dataset version" in footer and "built 20" in footer
    assert page.locator(".rg-footer a", has_text="dataset version").get_attribute("href") == "downloads/#version"
    page.goto(served + "models/example-model/")
    assert page.title() == "Example Model - AI Impact Registry"
    description = page.get_attribute("meta[property='og:description']", "content") or ""
    assert "Example Model by Example Lab, released 2022: training emissions 20 kgCO2e" in description
    assert page.get_attribute("meta[property='og:title']", "content") == "Example Model"
    assert page.get_attribute("meta[name='twitter:card']", "content") == "summary"
    page.goto(served + "no/such/page/")
    page.goto(served + "404.html")
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("form input[name=q]").count() >= 1 and page.locator("article a[href$='models/']").count() >= 1
    page.close()


def test_no_page_scrolls_sideways_on_a_phone(browser: Any, served: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    for path in AXE_PAGES:
        page.goto(served + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, path
    page.close()


def test_downloads_page_starts_here_explains_every_column_and_folds_checksums(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "downloads/")
    assert page.locator("#start-here ~ p a[href='start_here.csv']").count() == 1
    assert "pd.read_csv" in page.locator("#start-here ~ pre").first.inner_text()
    assert "read_csv" in page.locator("#start-here ~ pre").nth(1).inner_text()  # DuckDB
    assert not page.locator("#checksums td code").first.is_visible()  # folded away
    page.locator("#columns-start_here summary").click()
    dictionary = page.locator("#columns-start_here table").inner_text()
    assert "released_date\tdate\tRelease date when the day is known" in dictionary
    page.locator("#columns-models summary").click()
    assert "training_compute_flop" in page.locator("#columns-models table").inner_text()
    page.close()


def test_organization_page_sorts_its_models_and_gives_totals(browser: Any, served_many: str) -> None:
    page = browser.new_page()
    page.goto(served_many + "organizations/alpha-lab/")
    lede = page.locator("#models + p").inner_text()
    assert lede.startswith("87 models in the registry; 0 (0%) published their training emissions")
    table = page.locator("table.rg-sortable")
    assert table.locator("tbody tr").count() == 87
    table.locator("th", has_text="Training compute").get_by_role("button").click()
    first = table.locator("tbody tr").first.inner_text()
    assert first.startswith("Bulk") and "× 10²²" not in first  # ascending: the least compute first
    table.locator("th", has_text="Training compute").get_by_role("button").click()
    assert table.locator("tbody th").first.inner_text() == "Bulk 255"  # descending: 2.56e22 FLOP
    assert table.locator("th", has_text="Training compute").get_attribute("aria-sort") == "descending"
    page.close()


def test_hardware_and_grid_indexes_show_key_figures(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "hardware/")
    row = page.locator("table.rg-sortable tbody tr").first.inner_text()
    assert "W" in row and "FLOP/s" in row
    page.goto(served + "grids/")
    head = page.locator("table.rg-sortable thead").inner_text()
    assert "Carbon intensity (latest)" in head and "Year" in head
    assert "gCO2e/kWh" in page.locator("table.rg-sortable tbody tr").first.inner_text()
    page.close()


def test_long_pages_have_a_skip_link_and_an_on_this_page_line(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "models/example-model/")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent.trim()")
    assert skip == "Skip to content" and page.evaluate("document.activeElement.getAttribute('href')") == "#rg-content"
    links = page.locator("nav.rg-toc a").all_inner_texts()
    assert links[:3] == ["Key facts", "Training", "Inference"]
    for href in page.locator("nav.rg-toc a").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href
    page.goto(served + "fields/")
    assert page.locator("nav.rg-toc a").count() >= 4
    widths = page.locator("table.rg-fields-table").first.evaluate("t => [...t.rows[0].cells].map(c => c.offsetWidth)")
    assert widths[2] > widths[1]  # the meaning gets the widest column
    page.close()


def test_inference_page_has_one_summary_table_and_says_why_not_once(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "inference/")
    rows = page.locator(".rg-inference-summary tbody tr")
    assert rows.count() == 2  # the hostile model's two disclosures
    assert page.locator("#why-not + div li").count() == 1  # two groups: one pair, said once
    assert page.locator(".rg-group .rg-warning--loud").count() == 0
    page.close()


def test_chart_points_link_speak_on_focus_and_the_view_downloads(browser: Any, served: str) -> None:
    page = browser.new_page(accept_downloads=True)
    watch = Watch(page)
    page.goto(served + "charts/")
    assert page.locator("svg[role=img], svg[role=group]").count() >= 2
    basic_a11y(page)
    chart = page.locator("figure.rg-chart--points").first
    point = chart.locator("a.rg-point").first
    point.click()
    page.wait_for_url("**/models/*/")
    page.go_back()
    point.focus()
    tip = chart.locator(".rg-tip")
    assert tip.is_visible() and ("reported" in tip.inner_text() or "estimated" in tip.inner_text())
    with page.expect_download() as got:
        chart.get_by_role("button", name="Data (CSV)").click()
    lines = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + chart.locator("a.rg-point").count()
    chart.get_by_label("Published figures only").check()
    hidden = chart.locator("a.rg-point--est")
    assert all(not hidden.nth(i).is_visible() for i in range(hidden.count()))
    with page.expect_download() as got:
        chart.get_by_role("button", name="Data (CSV)").click()
    published = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(published) == 1 + chart.locator("a.rg-point:not(.rg-point--est)").count()
    with page.expect_download() as got:
        chart.get_by_role("button", name="Chart (SVG)").click()
    assert Path(got.value.path()).read_text(encoding="utf-8").startswith("<svg")
    watch.clean()
    page.close()


def test_text_in_tables_is_legible_on_a_phone(browser: Any, served: str) -> None:
    page = browser.new_page(viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True)
    page.goto(served + "models/example-model/")
    small = page.evaluate("""() => [...document.querySelectorAll('.rg-table *')]
        .filter(e => e.getClientRects().length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(e => !e.closest('.rg-visually-hidden') && parseFloat(getComputedStyle(e).fontSize) < 12)
        .map(e => e.className || e.tagName)""")
    assert small == []  # Lighthouse fails a page where less than 60% of the text is 12px or more
    page.close()
