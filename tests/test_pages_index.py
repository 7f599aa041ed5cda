"""The models index stays small at any size: the first rows in the HTML, the rest in rows.json and a plain list page."""

from __future__ import annotations

import json
from pathlib import Path

from builder.load import loader as registry
from builder.site import pages

MODEL = (
    "id: m{n:03d}\nname: Model {n:03d}\norganization: example-lab\n"
    "sources: [{{id: s, title: S, url: 'https://example.org'}}]\n"
)


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
    last = pages.FIRST_ROWS + 4
    assert f'<a href="../m{last:03d}/">Model {last:03d}</a>' in listing
    assert len(json.loads(generated["models/rows.json"])["rows"]) == total


def test_small_registry_index_has_every_row_and_no_show_more(base_registry: Path) -> None:
    generated = {g.path: g.content for g in pages.generate(registry.load(base_registry).require())}
    index = str(generated["models/index.md"])
    assert index.count('<tr><th scope="row">') == 1
    assert '<p class="rg-more" id="rg-more" hidden>' in index


LISTED = (
    "id: listed-only\nname: Listed Only\nopenness:\n  paper: {value: unknown, source: s}\n"
    "sources: [{id: s, title: S, url: 'https://example.org'}]\n"
)


def test_records_with_openness_data_only_are_hidden_flagged_and_badged(base_registry: Path) -> None:
    (base_registry / "models" / "listed-only.yaml").write_text(LISTED)
    (base_registry / "models" / "bare.yaml").write_text(MODEL.format(n=1).replace("m001", "bare"))
    generated = {g.path: g.content for g in pages.generate(registry.load(base_registry).require())}
    index = str(generated["models/index.md"])
    assert '<a href="listed-only/">' not in index and '<a href="bare/">' in index, (
        "hidden by default; a bare record is not"
    )
    assert '<input id="rg-openness-only" name="openness_only" type="checkbox" value="1">' in index
    assert "Show the 1 models with openness data only" in index
    assert '<p class="rg-more" id="rg-more" hidden>' in index, "nothing more to show unless the toggle is on"
    rows = json.loads(generated["models/rows.json"])
    flag = rows["columns"].index("openness_only")
    assert {r[0]: r[flag] for r in rows["rows"]} == {"bare": 0, "example-model": 0, "listed-only": 1}
    assert '<a href="../listed-only/">Listed Only</a>' in str(generated["models/list.md"]), (
        "the plain list keeps every model"
    )
    page = str(generated["models/listed-only.md"])
    assert '<span class="rg-badge rg-badge--only">Openness data only</span>' in page
    assert "rg-badge--only" not in str(generated["models/example-model.md"])
