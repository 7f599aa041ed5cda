"""The models index in headless Chromium hides records that hold openness data only until the reader asks for them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_browser_site import Watch, browser, serve_site
from test_site import build, make_project

__all__ = ["browser"]  # the shared Chromium fixture (and its REQUIRE_BROWSER_TESTS rule), used by the test below

LISTED = (
    "id: listed-only\nname: Listed Only\nopenness:\n  paper: {value: unknown, source: s}\n"
    "sources: [{id: s, title: S, url: 'https://example.org'}]\n"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site plus one openness-only record, built and served on 127.0.0.1 from a thread."""
    root = tmp_path_factory.mktemp("browser-openness-only")
    config = make_project(root)
    (root / "registry" / "models" / "listed-only.yaml").write_text(LISTED, encoding="utf-8")
    done = build(config, root / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    yield from serve_site(root / "site")


def test_the_toggle_shows_and_hides_openness_only_records(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served + "models/")
    names = page.locator("#rg-models tbody th a")
    assert "Listed Only" not in names.all_inner_texts()
    page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
    page.check("#rg-openness-only")
    page.wait_for_function("document.getElementById('rg-count').textContent.startsWith('Showing 3 of 3 models')")
    assert "Listed Only" in names.all_inner_texts()
    assert page.locator("#rg-models tbody tr[data-openness-only]").count() == 1
    page.uncheck("#rg-openness-only")
    page.wait_for_function(
        "document.getElementById('rg-count').textContent.startsWith('Showing 2 of 2 matching models (of 3)')"
    )
    assert "Listed Only" not in names.all_inner_texts()
    page.goto(served + "models/listed-only/")
    assert page.locator(".rg-badge--only").inner_text() == "Openness data only"
    watch.clean()
    page.close()
