"""The site built from a small registry with `mkdocs build --strict`: stable URLs, escaping, no external requests,
links that resolve."""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from dataclasses import astuple
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from markupsafe import Markup, escape

from builder.derive.metrics import Input
from builder.load import loader as registry
from builder.records.types import Source
from builder.site import pages
from builder.site import views as pageviews

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
XSS = "<script>alert(1)</script>"
REPO = "https://github.com/ai-impact-registry/registry"

XSS_MODEL = f"""id: xss-model
name: "{XSS}"
aliases: ["<img src=x onerror=alert(2)>"]
organization: example-lab
released: 2023-01
domains: [language]
description: "A model whose text tries to become markup: <b>bold</b> & <i>co</i>,
  [a link](javascript:alert(3)) and **stars**."
openness:
  weights: {{value: unknown}}
inference:
  - query: "median prompt <script>alert(1)</script>"
    energy_wh: {{value: 0.3, source: card}}
    emissions_g: 0.05
    water_ml: 0.4
    accounting: market
    scope: [accelerators, host, idle-capacity, cooling, water-on-site]
    kind: vendor-statement
    measured_on: 2024-05
    sources: [card]
  - query: one 400-token response
    output_tokens: 400
    energy_wh: 1.2
    emissions_g: {{value: 0.6, low: 0.4, high: 0.8}}
    accounting: location
    scope: [accelerators, host, cooling, embodied-hardware]
    kind: measured
    hardware: "<b>bold</b> GPU"
    note: "Measured with <img src=x onerror=alert(2)>"
    sources: [card]
lifecycle:
  - period: "training and 12 months of use <script>alert(1)</script>"
    boundary: [training, inference, accelerators, embodied-hardware, water-off-site]
    emissions_tco2e: 1200
    water_m3: {{value: 5000, note: consumption}}
    methodology: ISO 14040/44
    assessed_by: "<b>bold</b> auditors"
    sources: [card]
sources:
  - id: card
    title: "Card <script>alert(3)</script>"
    url: https://example.org/card
"""


CLAIM = """id: example-claim
title: Example Model emitted a tonne
statement: Training Example Model emitted 1 t of CO2
variants:
  - text: Example Model emitted 10 t
    appeared_in: A blog post
origin: {who: A blogger, when: 2023-01, source: blog}
what_it_measured: Nothing measured; a guess
verdict: unsupported
explanation: The paper reports 0.02 t.
related_models: [example-model]
sources:
  - {id: paper, title: An example paper, url: "https://example.org/paper"}
  - {id: blog, title: A blog post, url: "https://example.org/blog"}
"""
ENTRY_FOLDERS = {"models", "organizations", "hardware", "grids", "claims"}


CHAT_MODEL = """id: example-chat
name: Example Chat
organization: example-lab
variant_of: example-model
former_ids: [example-model-chat]
sources: [{id: s, title: S, url: "https://example.org/chat"}]
"""


def make_project(target: Path) -> Path:
    """A copy of tests/fixtures/base plus a hostile model, the real assumptions and openness table, and a minimal
    mkdocs.yml."""
    reg = target / "registry"
    shutil.copytree(FIXTURES / "base", reg)
    shutil.copy(ROOT / "registry" / "assumptions.yaml", reg / "assumptions.yaml")
    if not (reg / "openness.yaml").exists():
        shutil.copy(ROOT / "registry" / "openness.yaml", reg / "openness.yaml")
    (reg / "models" / "xss-model.yaml").write_text(XSS_MODEL, encoding="utf-8")
    (reg / "claims").mkdir(exist_ok=True)
    (reg / "claims" / "example-claim.yaml").write_text(CLAIM, encoding="utf-8")
    docs = target / "docs"
    docs.mkdir()
    (docs / "contribute.md").write_text("# Contribute\n\nOpen a pull request.\n", encoding="utf-8")
    (docs / "about.md").write_text("# About\n\nWho keeps the registry, and how to cite it.\n", encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(docs)
    config["plugins"] = [{"registry": {"registry": str(reg), "schema": str(ROOT / "schema")}}]
    config["watch"] = []
    config["nav"] = [
        {"Home": "index.md"},
        {"Models": "models/index.md"},
        {"Organizations": "organizations/index.md"},
        {"Hardware": "hardware/index.md"},
        {"Electricity grids": "grids/index.md"},
        {"Inference": "inference.md"},
        {"Coverage": "coverage.md"},
        {"Methodology": "methodology.md"},
        {"Contribute": "contribute.md"},
        {"Field reference": "fields.md"},
        {"About": "about.md"},
    ]
    path = target / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        check=False,
        cwd=config.parent,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    done = build(make_project(root), root / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "site"


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


class Attrs(HTMLParser):
    """Every (tag, attributes) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def tags(path: Path) -> list[tuple[str, dict[str, str]]]:
    parser = Attrs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.found


def test_pages_at_stable_urls(site: Path) -> None:
    for url in (
        "",
        "models/",
        "models/example-model/",
        "models/xss-model/",
        "organizations/example-lab/",
        "hardware/example-gpu/",
        "grids/fr/",
        "methodology/",
        "fields/",
        "organizations/",
        "hardware/",
        "grids/",
        "inference/",
    ):
        assert (site / url / "index.html").is_file(), url
    assert (site / "models" / "example-model" / "example-model.yaml").read_bytes() == (
        FIXTURES / "base/models/example-model.yaml"
    ).read_bytes()
    body = json.loads((site / "api" / "models" / "example-model.json").read_text(encoding="utf-8"))["data"]
    assert body["id"] == "example-model" and "emissions_tco2e" in body["derived"]
    rows = json.loads((site / "models" / "rows.json").read_text(encoding="utf-8"))
    assert {r[0] for r in rows["rows"]} == {"example-model", "xss-model"}


def test_entry_text_is_escaped(site: Path) -> None:
    for path in html_files(site):
        text = path.read_text(encoding="utf-8")
        assert XSS not in text, path
        assert "<img src=x" not in text, path
        assert "<b>bold</b>" not in text, path
    page = (site / "models" / "xss-model" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; - AI Impact Registry</title>" in page
    rows = (site / "models" / "rows.json").read_text(encoding="utf-8")
    assert {r[0]: r[1] for r in json.loads(rows)["rows"]}[
        "xss-model"
    ] == XSS  # data stays data; the page script only sets textContent


def test_no_request_leaves_the_site(site: Path) -> None:
    """Nothing is loaded from another origin; the only external hrefs are links to sources and to the repository."""
    for path in html_files(site):
        for tag, attrs in tags(path):
            for name in ("src", "srcset", "poster", "data", "action"):
                value = attrs.get(name, "")
                assert not urlsplit(value).netloc and not value.startswith("//"), f"{path}: <{tag} {name}={value}>"
            href = attrs.get("href", "")
            if urlsplit(href).netloc and not (
                tag == "link" and attrs.get("rel") == "canonical"
            ):  # canonical names the page, loads nothing
                assert tag == "a", f"{path}: <{tag} href={href}> loads from another origin"
                if (
                    path.relative_to(site).parts[0] in ENTRY_FOLDERS
                ):  # links written by contributors are marked nofollow
                    assert href.startswith(REPO) or "nofollow" in attrs.get("rel", ""), (
                        f"{path}: unexpected external link {href}"
                    )
                assert urlsplit(href).scheme in ("http", "https"), href
    css = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_internal_links_resolve(site: Path) -> None:
    base = urlsplit(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url") or "/").path
    for path in html_files(site):
        page_url = "/" + path.relative_to(site).as_posix()
        for tag, attrs in tags(path):
            for name in ("href", "src"):
                value = attrs.get(name)
                if not value or urlsplit(value).scheme or value.startswith("#"):
                    continue
                target = urlsplit(urljoin(page_url, value)).path
                if value.startswith(base) and base != "/":  # absolute paths (404 page) include the site's base path
                    target = "/" + target[len(base) :]
                file = site / target.lstrip("/")
                assert file.is_file() or (file / "index.html").is_file(), (
                    f"{path}: <{tag} {name}={value}> does not resolve"
                )


def test_unknown_is_unknown_and_estimates_are_marked(site: Path) -> None:
    page = (site / "models" / "xss-model" / "index.html").read_text(encoding="utf-8")
    row = page[page.index('id="metric-emissions_tco2e"') :]
    row = row[: row.index("</tr>")]
    assert "unknown" in row and ">0<" not in row
    example = (site / "models" / "example-model" / "index.html").read_text(encoding="utf-8")
    assert "rg-badge--rep" in example and "rg-badge--est" in example
    assert "<details" in example and "Formula and inputs" in example


def test_model_page_links(site: Path) -> None:
    page = (site / "models" / "example-model" / "index.html").read_text(encoding="utf-8")
    assert (
        f'href="{REPO}/edit/main/registry/models/example-model.yaml"' in page
    )  # the YAML file, not a page that does not exist
    assert f"{REPO}/issues/new?title=" in page
    assert 'href="example-model.yaml"' in page and 'href="../../api/models/example-model.json"' in page
    assert 'href="https://example.org/paper"' in page
    assert "How to cite" in page


def test_nav_lists_only_index_pages(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('class="md-tabs"') :]
    nav = nav[: nav.index("</nav>")]
    assert "example-model" not in nav and "models/" in nav


def test_charts_have_text_alternatives(site: Path) -> None:
    charts = (site / "charts" / "index.html").read_text(encoding="utf-8")
    assert (
        charts.count('role="img"') + charts.count('role="group"') >= 2
        and "<desc id=" in charts
        and "Data table" in charts
    )
    for tag, attrs in tags(site / "charts" / "index.html"):
        if tag == "svg" and attrs.get("role") in ("img", "group"):
            assert attrs.get("aria-labelledby")
        if tag == "a" and "rg-point" in attrs.get("class", ""):
            assert (site / "charts" / attrs["href"] / "index.html").resolve().is_file(), attrs["href"]


def test_scripts_do_not_hold_the_first_paint(site: Path) -> None:
    for page in (site / "index.html", site / "models" / "index.html", site / "models" / "example-model" / "index.html"):
        scripts = [attrs for tag, attrs in tags(page) if tag == "script" and attrs.get("src")]
        assert scripts and all("defer" in attrs for attrs in scripts), page


def test_home_page_links_to_the_charts_without_drawing_them(site: Path) -> None:
    home = (site / "index.html").read_text(
        encoding="utf-8"
    )  # every model's point, drawn three times, would weigh on each visit
    assert 'href="charts/#chart-emissions-time-h"' in home and "rg-point" not in home and "<svg viewBox" not in home


def test_search_index_covers_every_page(site: Path) -> None:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages_indexed = sum(lang["page_count"] for lang in entry["languages"].values())
    pages = [
        p for p in html_files(site) if p.name == "index.html" and "list" not in p.parts and p.parent.name != "search"
    ]
    assert pages_indexed == len(
        pages
    )  # every page but the plain list of models (the index holds them) and the search page
    assert (site / "pagefind" / "pagefind.js").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "pagefind" not in home.split("</header>")[0]  # nothing of search loads before the reader types


def test_invalid_registry_stops_the_build(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    bad = tmp_path / "registry" / "models" / "example-model.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("released: 2022-07", "released: someday"), encoding="utf-8")
    done = build(config, tmp_path / "site")
    assert done.returncode != 0
    assert "example-model.yaml:5:" in done.stderr and "released" in done.stderr


def test_a_hand_written_page_at_a_generated_pages_path_stops_the_build(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    (tmp_path / "docs" / "models").mkdir()
    (tmp_path / "docs" / "models" / "example-model.md").write_text("# Mine\n", encoding="utf-8")
    done = build(config, tmp_path / "site")
    assert done.returncode != 0
    assert "example-model.md would hide the generated page of the same path" in done.stderr


def test_safe_url_allows_only_http() -> None:
    assert pageviews.safe_url("https://example.org/a") == "https://example.org/a"
    assert pageviews.safe_url("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://x.org", "", None):
        assert pageviews.safe_url(bad) is None


def test_pages_can_be_written_to_a_folder(tmp_path: Path) -> None:
    project = tmp_path / "p"
    make_project(project)
    reg = registry.load(project / "registry").require()
    files = pages.generate(reg)
    assert pages.write(files, tmp_path / "out") == len(files)
    text = (tmp_path / "out" / "models" / "xss-model.md").read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "&lt;script&gt;')
    assert XSS not in text


def test_claim_page_links_its_models_and_the_model_links_back(site: Path) -> None:
    claim = (site / "claims" / "example-claim" / "index.html").read_text(encoding="utf-8")
    assert "Training Example Model emitted 1 t of CO2" in claim
    assert "unsupported" in claim
    assert "How it is repeated" in claim and "Example Model emitted 10 t" in claim
    assert 'href="../../models/example-model/"' in claim
    assert 'href="https://example.org/paper"' in claim
    model = (site / "models" / "example-model" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../claims/example-claim/"' in model
    index = (site / "claims" / "index.html").read_text(encoding="utf-8")
    assert 'href="example-claim/"' in index


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    site = tmp_path / "site"
    assert build(config, site).returncode == 0
    before = (site / "models" / "example-model" / "index.html").read_bytes()
    (tmp_path / "registry" / "models" / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    failed = build(config, site)
    assert failed.returncode != 0
    assert "broken.yaml:1:1: name: required field is missing" in failed.stderr
    assert (site / "models" / "example-model" / "index.html").read_bytes() == before


def without_background(config: Path) -> Path:
    """The same project with every page rendered and every download written in the MkDocs process."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"][0]["registry"]["parallel"] = False
    serial = config.with_name("mkdocs-serial.yml")
    serial.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return serial


def test_two_builds_are_identical_with_or_without_the_background_process(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    for name, used in (("a", config), ("b", without_background(config))):
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(used), "-d", str(tmp_path / name)],
            capture_output=True,
            text=True,
            check=True,
            cwd=config.parent,
            env=env,
        )
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    different = [str(p) for p in files_a if (tmp_path / "a" / p).read_bytes() != (tmp_path / "b" / p).read_bytes()]
    assert different == []


def section(page: str, start: str, end: str) -> str:
    """The part of a page from one marker to the next."""
    return page[page.index(start) : page.index(end, page.index(start))]


def test_model_page_shows_inference_disclosures_with_scope_kind_and_per_token_figures(site: Path) -> None:
    page = (site / "models" / "xss-model" / "index.html").read_text(encoding="utf-8")
    vendor = section(page, 'id="inference-1"', 'id="inference-2"')
    assert "rg-badge--vendor-statement" in vendor and "vendor statement (no published method)" in vendor
    assert "market-based" in vendor and "median prompt &lt;script&gt;alert(1)&lt;/script&gt;" in vendor
    included = section(vendor, "Included:", "</p>")
    excluded = section(vendor, "Not included:", "</p>")
    assert "idle capacity" in included and "on-site water (cooling)" in included
    for part in (
        "network",
        "end-user device",
        "embodied hardware (manufacturing)",
        "off-site water (electricity generation)",
    ):
        assert part in excluded and part not in included
    assert "Per 1,000 output tokens is unknown: the source does not state how many output tokens" in vendor
    measured = section(page, 'id="inference-2"', 'id="inference-derived"')
    assert "rg-badge--measured" in measured and "location-based" in measured
    assert "embodied hardware (manufacturing)" in section(measured, "Included:", "</p>")
    energy = section(measured, '<th scope="row">Energy</th>', "</tr>")
    assert "1.2</span> Wh" in energy and "3</span> Wh" in energy  # 1.2 Wh per 400 tokens is 3 Wh per 1,000
    emissions = section(measured, '<th scope="row">Emissions</th>', "</tr>")
    assert "1.5</span> gCO2e" in emissions and "(range 1–2)" in emissions
    water = section(measured, '<th scope="row">Water</th>', "</tr>")
    assert water.count("rg-unknown") == 2 and ">0<" not in water
    assert "&lt;b&gt;bold&lt;/b&gt; GPU" in measured and "Measured with &lt;img src=x" in measured
    estimate = section(page, 'id="metric-inference_energy_wh_per_1000_tokens"', "</tr>")
    assert "unknown" in estimate and "open, gated or restricted" in estimate


def test_model_page_shows_the_life_cycle_and_the_inference_estimate(site: Path) -> None:
    page = (site / "models" / "xss-model" / "index.html").read_text(encoding="utf-8")
    lifecycle = section(page, 'id="lifecycle-1"', "</section>")
    assert "training and 12 months of use &lt;script&gt;" in lifecycle
    assert "training" in section(lifecycle, "Included:", "</p>") and "network" in section(
        lifecycle, "Not included:", "</p>"
    )
    assert "1,200</span> tCO2e" in lifecycle and "5,000</span> m3" in lifecycle
    assert 'Abiotic resource depletion</th><td><span class="rg-unknown">unknown</span>' in lifecycle
    assert "ISO 14040/44" in lifecycle and "&lt;b&gt;bold&lt;/b&gt; auditors" in lifecycle
    example = (site / "models" / "example-model" / "index.html").read_text(encoding="utf-8")
    assert "No published per-query figure of this model is in the registry." in example
    assert "The registry holds no life-cycle assessment of this model." in example
    estimate = section(example, 'id="metric-inference_energy_wh_per_1000_tokens"', "</td></tr>")
    assert "rg-badge--est" in estimate and "Wh per 1,000 output tokens" in estimate and "rg-range" in estimate
    assert "Formula and inputs" in estimate and "ecologits_energy_alpha" in estimate


def test_inference_page_groups_disclosures_and_says_why_they_do_not_compare(site: Path) -> None:
    page = (site / "inference" / "index.html").read_text(encoding="utf-8")
    assert "Figures compare only within a group" in page
    assert page.count('<section class="rg-group">') == 2
    assert 'href="../models/xss-model/#inference-1"' in page and 'href="../models/xss-model/#inference-2"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "emissions are location-based in one and market-based in the other" in page
    assert (
        page.count("a vendor statement without a published method beside") == 1
    )  # said once for the pair, not per group
    assert "a vendor statement without a published method beside a measured or modelled figure" in page
    assert "only the first includes embodied-hardware" in page or "only the second includes embodied-hardware" in page
    assert "rg-badge--vendor-statement" in page and "1 of the figures here is a vendor statement" in page
    assert 'Energy: <span class="rg-value">3</span> Wh' in page  # per 1,000 output tokens
    assert 'href="../methodology/#inference-estimate"' in page
    methodology = (site / "methodology" / "index.html").read_text(encoding="utf-8")
    assert 'id="inference-estimate"' in methodology and "Inference energy per 1,000 output tokens" in methodology
    assert "alpha x exp(beta x batch)" in methodology
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="inference/"' in home


def test_break_even_shows_with_its_inputs(tmp_path: Path) -> None:
    project = tmp_path / "p"
    make_project(project)
    model = project / "registry" / "models" / "example-model.yaml"
    model.write_text(
        model.read_text(encoding="utf-8")
        + """inference:
  - {query: one prompt, emissions_g: 0.5, accounting: market, scope: [accelerators], kind: measured, sources: [paper]}
""",
        encoding="utf-8",
    )
    reg = registry.load(project / "registry").require()
    page = next(g for g in pages.generate(reg) if g.path == "models/example-model.md").content
    assert isinstance(page, str)
    row = section(page, 'id="metric-break_even_queries"', "</td></tr>")
    assert "Queries until inference emissions exceed training emissions" in row and "40,000</span> queries" in row
    assert "market-based while training emissions are location-based" in row
    assert 'href="#inference"' in row


def test_downloads_page_lists_the_files_the_site_serves(site: Path) -> None:
    page = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    served = sorted(p for p in (site / "downloads").iterdir() if p.name != "index.html")
    assert {p.name for p in served} >= {
        "models.csv",
        "models.json.gz",
        "registry.sqlite.gz",
        "SHA256SUMS",
        "datapackage.json",
    }
    for p in served:
        assert f'<a href="{p.name}">{p.name}</a>' in page
        assert hashlib.sha256(p.read_bytes()).hexdigest() in page
    assert page.count("<h1") == 1
    assert (site / "api" / "models" / "example-model.json").is_file() and (
        site / "schema" / "model.schema.json"
    ).is_file()


def test_a_page_that_fails_to_render_in_the_background_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    def broken(report: object, *args: object) -> object:
        raise RuntimeError("the view broke")

    monkeypatch.setattr(pageviews, "model_view", broken)
    config = make_project(tmp_path)
    with pytest.raises(Abort):
        mkdocs_build(load_config(str(config), site_dir=str(tmp_path / "site")))
    assert "rendering models/example-model.md failed" in caplog.text and "RuntimeError: the view broke" in caplog.text


def test_the_models_index_rows_are_computed_once_for_its_pages_and_rows_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from builder.site import tables as pagetables

    made: list[int] = []
    original = pagetables.index_rows

    def counted(*args: object) -> list[pagetables.IndexRow]:
        made.append(1)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pagetables, "index_rows", counted)
    config = without_background(make_project(tmp_path))
    mkdocs_build(load_config(str(config), site_dir=str(tmp_path / "site")))
    assert json.loads((tmp_path / "site" / "models" / "rows.json").read_text(encoding="utf-8"))
    assert "example-model" in (tmp_path / "site" / "models" / "index.html").read_text(encoding="utf-8")
    assert len(made) == 1


def test_quantities_and_source_lists_render_once_per_distinct_value() -> None:
    made: list[object] = []

    def macro(value: object) -> Markup:
        made.append(value)
        return Markup(f"<b>{escape(str(value))}</b>")

    once = pages._once_each(macro)
    q = pageviews.quantity(1287.0, 1100.0, 1500.0, "t")
    assert once(q) == once(pageviews.quantity(1287.0, 1100.0, 1500.0, "t")) == Markup("<b>{}</b>").format(str(q))
    assert made == [q]
    assert once(pageviews.quantity(1288.0)) != once(q) and len(made) == 2
    assert once(["a list"]) == once(["a list"]) and len(made) == 4  # cannot be remembered: rendered each time
    env = pages.environment()
    html = env.from_string("{{ q | qty }} {{ q | qty }} {{ links | cited }}").render(
        q=q, links=(pageviews.Link("s", "<script>", "https://example.org/?a=1&b=2", ""),)
    )
    assert (
        html.count('<span class="rg-value">1,290</span> t') == 2 and "&lt;script&gt;" in html and "a=1&amp;b=2" in html
    )


def test_an_assumption_or_hardware_input_is_one_view_and_an_entry_input_cites_its_own_model() -> None:
    """Figures every page prints alike are resolved once a build; an entry's figure still cites the sources of its
    own model."""
    reg = registry.load(FIXTURES / "base").require()
    book, linker = pageviews.SourceBook(reg), pageviews.Linker("../../")
    pue = reg.assumption("pue_default")
    shared = [
        Input("pue", pue.value, pue.low, pue.high, pue.unit, "assumption", "pue_default", pue.sources),
        Input("tdp_w", 700.0, 700.0, 700.0, "W", "hardware", "example-gpu", ()),
    ]
    first, second = (
        {"paper": Source("paper", "Model A paper", "https://a.example")},
        {"paper": Source("paper", "Model B paper", "https://b.example")},
    )
    for i in shared:
        assert book.input_view(i, first, linker) is book.input_view(Input(*astuple(i)), second, linker)
    entry = Input("parameters", 7e9, 7e9, 7e9, "parameters", "reported", "entry", ("paper",))
    titles = [book.input_view(entry, known, linker).sources[0].title for known in (first, second)]
    assert titles == ["Model A paper", "Model B paper"]
    assert book.input_view(shared[0], first, linker).origin_href == "../../methodology/#assumption-pue_default"


def test_checklist_lines_and_formula_inputs_render_escaped_and_alike_each_time() -> None:
    """They are rendered once per distinct item and reused: entry text in them stays text wherever they are printed."""
    env = pages.environment()
    link = pageviews.Link("s", "<b>title</b>", "https://example.org/?a=1&b=2", "")
    check = pageviews.Check("Weights", "yes", "<img src=x onerror=alert(1)>", (link,), "a <i>note</i>")
    given = pageviews.InputView(
        "gpu_hours", pageviews.quantity(5.0, 4.0, 6.0, "h"), "entry", None, "this <entry>", (link,), None
    )
    html = env.from_string(
        "<ul>{{ c | check_item }}{{ c | check_item }}{{ i | input_item }}</ul>{{ i | input_inline }}"
    ).render(c=check, i=given)
    assert (
        html.count("&lt;img src=x onerror=alert(1)&gt;") == 2
        and "<img" not in html
        and "<i>" not in html
        and "<b>" not in html
    )
    assert html.count("this &lt;entry&gt;") == 2 and html.count("a=1&amp;b=2") == 4
    assert html.count('<span class="rg-value">5</span> h <span class="rg-range">(range 4–6)</span>') == 2


def test_a_build_freezes_what_it_loaded_until_it_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What lives after loading is kept from the cyclic collector while the pages are built, and given back at the
    end, also when the build fails."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    frozen: list[int] = []
    original = pages.generate

    def noting(*args: Any, **kwargs: Any) -> list[pages.Generated]:
        frozen.append(gc.get_freeze_count())
        return original(*args, **kwargs)

    monkeypatch.setattr(pages, "generate", noting)
    config = without_background(make_project(tmp_path))
    mkdocs_build(load_config(str(config), site_dir=str(tmp_path / "site")))
    assert frozen and frozen[0] > 0
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(pageviews, "model_view", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        mkdocs_build(load_config(str(config), site_dir=str(tmp_path / "site")))
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("pagefind", [True, False])
def test_a_build_leaves_no_forked_process_behind(tmp_path: Path, pagefind: bool) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(make_project(tmp_path)), site_dir=str(tmp_path / "site"))
    plugin = config.plugins["registry"]
    plugin.config.pagefind = pagefind
    mkdocs_build(config)
    assert multiprocessing.active_children() == []
    assert plugin.session._background is None
    assert (tmp_path / "site" / "downloads" / "models.json.gz").is_file()


def test_model_page_states_the_scope_of_the_training_figures(tmp_path: Path) -> None:
    """The page tells the same story as `show`: what the record's figures cover, and a figure whose scope differs."""
    project = tmp_path / "p"
    make_project(project)
    model = project / "registry" / "models" / "example-model.yaml"
    figure = "{value: 5.0e+20, provenance: third-party-estimate, scope: with-base-model}"
    model.write_text(
        model.read_text(encoding="utf-8").replace(
            "  tokens: 2.0e+10\n", f"  tokens: 2.0e+10\n  compute_flop: {figure}\n  scope: fine-tune-only\n"
        ),
        encoding="utf-8",
    )
    reg = registry.load(project / "registry").require()
    page = next(g for g in pages.generate(reg) if g.path == "models/example-model.md").content
    assert isinstance(page, str)
    assert (
        "Training figures cover" in page
        and "the fine-tune&#39;s own run, without its base model&#39;s pretraining" in page
    )
    row = section(page, 'id="metric-compute_flop"', "</td></tr>")
    assert "(covers the fine-tune plus its base model&#39;s pretraining)" in row
    assert "covers" not in section(page, 'id="metric-accelerator_hours"', "</td></tr>")


def test_an_estimate_says_likely_range_and_each_default_says_its_rule(site: Path) -> None:
    example = (site / "models" / "example-model" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../methodology/#ranges"' in example
    estimate = section(example, 'id="metric-inference_energy_wh_per_1000_tokens"', "</td></tr>")
    assert "(likely range (90%) " in section(estimate, "<td>", "</td>") and "(range " not in section(
        estimate, "<td>", "</td>"
    )
    assert "chosen by rule: served by a cloud or hyperscale operator" in estimate
    method = (site / "methodology" / "index.html").read_text(encoding="utf-8")
    assert 'id="ranges"' in method and 'id="calibration"' in method and 'id="rules"' in method


def test_an_old_address_sends_the_reader_to_the_record(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    (tmp_path / "registry" / "models" / "example-chat.yaml").write_text(CHAT_MODEL, encoding="utf-8")
    done = build(config, tmp_path / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    site = tmp_path / "site"
    old = (site / "models" / "example-model-chat" / "index.html").read_text(encoding="utf-8")
    head = old[: old.index("</head>")]
    assert '<meta http-equiv="refresh" content="0; url=../example-chat/">' in head and 'content="noindex"' in head
    assert 'href="../example-chat/"' in old[old.index("<body") :], (
        "a link for readers whose browser does not follow the refresh"
    )
    assert "http-equiv" not in (site / "models" / "example-chat" / "index.html").read_text(encoding="utf-8")
    base = (site / "models" / "example-model" / "index.html").read_text(encoding="utf-8")
    assert 'Variants</dt><dd><a href="../../models/example-chat/">Example Chat</a>' in base
