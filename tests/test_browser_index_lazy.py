"""The models index in headless Chromium makes its organization suggestions (one option per organization: hundreds
on the real registry) when the reader goes to the box, not while the page loads and lays out."""

from __future__ import annotations

from typing import Any

from test_browser_site import Watch, browser, served_many

__all__ = ["browser", "served_many"]  # the shared Chromium and 262-model site fixtures, used by the test below


def test_organization_suggestions_are_made_when_the_box_is_focused(browser: Any, served_many: str) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(served_many + "models/")
    page.wait_for_function("!document.getElementById('rg-filter-set').disabled")
    assert page.locator("#rg-org-list option").count() == 0, "the suggestions were made while the page loaded"
    assert page.locator("#rg-models thead button.rg-sort:enabled").count() == 9  # the HTML's buttons, enabled
    page.focus("#rg-org-input")
    page.wait_for_function("document.querySelectorAll('#rg-org-list option').length > 0")
    options = page.locator("#rg-org-list option").evaluate_all("os => os.map(o => o.value)")
    assert {"Alpha Lab", "Beta Lab", "Gamma Lab"} <= set(options) and len(options) == len(set(options))
    page.keyboard.type("gamma lab")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('org=Gamma+Lab')")
    assert page.locator("#rg-org-chosen button").inner_text() == "Gamma Lab ×"
    watch.clean()
    page.close()
