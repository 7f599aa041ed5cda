"""The compare page in headless Chromium draws the chosen models from their own API files: every model's index row
(rows.json) is fetched only when the reader goes to the add-a-model box."""

from __future__ import annotations

from typing import Any

from test_browser_site import Watch, browser, served

__all__ = ["browser", "served"]  # the shared Chromium and fixture-site fixtures, used by the test below


def test_compare_fetches_rows_only_when_the_add_box_is_focused(browser: Any, served: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served + "compare/?m=example-model,xss-model")
    page.wait_for_selector(".rg-table--compare")
    page.wait_for_load_state("networkidle")
    assert page.locator(".rg-table--compare thead th a").all_inner_texts() == [
        "Example Model",
        "<script>alert(1)</script>",
    ]
    organization = page.locator(".rg-table--compare tbody tr", has_text="Organization").inner_text()
    assert "Example Lab" in organization  # the name, from the organization's API file
    assert not any(u.endswith("/rows.json") for u in watch.requests), "rows.json was fetched before the box was used"
    assert any(u.endswith("/api/models/example-model.json") for u in watch.requests)
    page.focus("#rg-compare-input")
    page.wait_for_function("document.querySelectorAll('#rg-compare-names option').length === 2")
    assert any(u.endswith("/models/rows.json") for u in watch.requests)
    watch.clean()
    page.close()
