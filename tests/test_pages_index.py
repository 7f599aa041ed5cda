"""The models index stays small at any size: the first rows in the HTML, the rest in rows.json and a plain list page."""

from __future__ import annotations

import json
from pathlib import Path

from builder import pages, registry

MODEL = "id: m{n:03d}\nname: Model {n:03d}\norganization: example-lab\nsources: [{{id: s, title: S, url: 'https://example.org'}}]\n"


def test_index_carries_the_first_rows_and_the_list_page_carries_all(base_registry: Path) -> None:
    for n in range(pages.FIRST_ROWS + 5):
        (base_registry / "models" / f"m{n:03d}.yaml").write_text(MODEL.format(n=n))
    generated = {g.path: g.content for g in pages.generate(registry.load(base_registry).require())}
    index = str(generated["models/index.md"])
    total = pages.FIRST_ROWS + 6
    assert index.count('<tr><th scope="row">') == pages.FIRST_ROWS
    assert f"{pages.FIRST_ROWS} of {total} models" in index
    assert 'href="list/"' in index
    listing = str(generated["models/list.md"])
    assert listing.count("<li><a href=") == total
    assert '<a href="../m104/">Model 104</a>' in listing
    assert len(json.loads(generated["models/rows.json"])["rows"]) == total


def test_small_registry_index_has_every_row_and_no_show_more(base_registry: Path) -> None:
    generated = {g.path: g.content for g in pages.generate(registry.load(base_registry).require())}
    index = str(generated["models/index.md"])
    assert index.count('<tr><th scope="row">') == 1
    assert '<p class="rg-more" id="rg-more" hidden>' in index
