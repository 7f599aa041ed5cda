"""The compare page in headless Chromium: the table drawn after the models' files arrive moves nothing the reader sees
(the footer starts below the fold), so Lighthouse counts no layout shift."""

from __future__ import annotations

from typing import Any

from test_browser_site import browser, served

__all__ = ["browser", "served"]  # the shared Chromium and fixture-site fixtures, used by the test below

SHIFTS = """window.shifted = 0;
new PerformanceObserver(list => list.getEntries().forEach(e => { window.shifted += e.value; }))
    .observe({type: 'layout-shift', buffered: true});"""


def test_the_compare_table_appears_without_a_layout_shift(browser: Any, served: str) -> None:
    page = browser.new_page(viewport={"width": 412, "height": 823})
    page.add_init_script(SHIFTS)
    page.goto(served + "compare/?m=example-model,xss-model")
    page.wait_for_selector(".rg-table--compare")
    page.wait_for_load_state("networkidle")
    frames = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r))))"
    page.evaluate(frames)  # the observer hears of a shift after the frame that drew the table
    assert page.evaluate("window.shifted") == 0
    page.close()
