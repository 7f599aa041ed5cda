"""The merge never overwrites what a person wrote, and the YAML writer keeps files readable and stable."""

from __future__ import annotations

from pathlib import Path

from builder.importers.common import licence, slugify, urls, yaml_number
from builder.importers.merge import merge
from builder.importers.yamlout import key_order, render, update
from builder.load.yamlfile import parse, read

OWNED = frozenset({"epoch-notable"})


def test_hand_written_value_is_kept_and_reported() -> None:
    existing = {
        "id": "m",
        "name": "M",
        "parameters": {"value": 1e9, "source": "paper"},
        "sources": [{"id": "paper", "title": "P", "url": "https://p"}],
    }
    imported = {
        "id": "m",
        "name": "M",
        "parameters": {"value": 2e9, "source": "epoch-notable"},
        "released": "2020",
        "sources": [{"id": "epoch-notable", "title": "E", "url": "https://e"}],
    }
    result = merge(existing, imported, OWNED)
    assert result.data["parameters"] == {"value": 1e9, "source": "paper"}
    assert result.data["released"] == "2020"
    assert [s["id"] for s in result.data["sources"]] == ["paper", "epoch-notable"]
    assert [(c.path, c.taken) for c in result.conflicts] == [("parameters", False)]
    forced = merge(existing, imported, OWNED, force=True)
    assert forced.data["parameters"]["value"] == 2e9 and forced.conflicts[0].taken


def test_values_from_an_earlier_run_of_the_same_import_are_updated() -> None:
    existing = {"id": "m", "name": "M", "parameters": {"value": 1e9, "source": "epoch-notable"}}
    result = merge(existing, {"parameters": {"value": 2e9, "source": "epoch-notable"}}, OWNED)
    assert result.data["parameters"]["value"] == 2e9 and not result.conflicts and result.changes == ["parameters"]


def test_same_figure_written_differently_is_not_a_conflict() -> None:
    existing = {"parameters": 1e9}
    result = merge(existing, {"parameters": {"value": 1e9, "source": "epoch-notable"}}, OWNED)
    assert result.data == existing and not result.conflicts


def test_other_name_becomes_an_alias_never_a_rename() -> None:
    result = merge(
        {"id": "gpt-3", "name": "GPT-3 (175B)", "aliases": ["GPT-3"]}, {"name": "GPT-3 175B (davinci)"}, OWNED
    )
    assert result.data["name"] == "GPT-3 (175B)" and result.data["aliases"] == ["GPT-3", "GPT-3 175B (davinci)"]
    same = merge({"name": "Example Model"}, {"name": "example-model"}, OWNED)
    assert "aliases" not in same.data
    grid = merge({"name": "France"}, {"name": "FR"}, OWNED, aliases=False)
    assert "aliases" not in grid.data


def test_intensity_entries_merge_by_year_and_source_in_year_order() -> None:
    existing = {"intensity": [{"year": 2022, "g_per_kwh": 57, "source": "a"}]}
    imported = {
        "intensity": [{"year": 2020, "g_per_kwh": 60, "source": "b"}, {"year": 2022, "g_per_kwh": 58, "source": "a"}]
    }
    result = merge(existing, imported, OWNED)
    assert [(i["year"], i["g_per_kwh"]) for i in result.data["intensity"]] == [(2020, 60), (2022, 57)]
    assert [c.path for c in result.conflicts] == ["intensity[2022]"]


def test_a_figure_already_given_under_another_source_is_not_added_again() -> None:
    existing = {
        "intensity": [{"year": 2023, "g_per_kwh": 56.039, "source": "owid"}],
        "sources": [{"id": "owid", "title": "OWID", "url": "https://o"}],
    }
    imported = {
        "intensity": [
            {"year": 2023, "g_per_kwh": 56.039, "source": "import-owid"},
            {"year": 2024, "g_per_kwh": 50, "source": "import-owid"},
        ],
        "sources": [{"id": "import-owid", "title": "OWID", "url": "https://o"}],
    }
    result = merge(existing, imported, frozenset({"import-owid"}))
    assert [(i["year"], i["source"]) for i in result.data["intensity"]] == [(2023, "owid"), (2024, "import-owid")]
    assert [s["id"] for s in result.data["sources"]] == ["owid", "import-owid"] and not result.conflicts
    same = merge(
        existing, {"intensity": imported["intensity"][:1], "sources": imported["sources"]}, frozenset({"import-owid"})
    )
    assert same.data == existing and not same.changes, "nothing cites the import's source: it is left out too"


def test_urls_keep_semicolons_and_commas_inside_addresses() -> None:
    assert urls("https://citeseerx.ist.psu.edu/viewdoc/download;jsessionid=3F2A?doi=10.1.1.1&rep=rep1&type=pdf") == [
        "https://citeseerx.ist.psu.edu/viewdoc/download;jsessionid=3F2A?doi=10.1.1.1&rep=rep1&type=pdf"
    ]
    assert urls("https://a.org/x; https://b.org/y;\nhttps://c.org/z, https://d.org/w,https://e.org/v") == [
        "https://a.org/x",
        "https://b.org/y",
        "https://c.org/z",
        "https://d.org/w",
        "https://e.org/v",
    ]
    assert urls("see https://a.org/p#:~:text=one,two and (https://b.org/?C=S;O=A).") == [
        "https://a.org/p#:~:text=one,two",
        "https://b.org/?C=S;O=A",
    ]
    assert urls("https://en.wikipedia.org/wiki/Transformer_(deep_learning)") == [
        "https://en.wikipedia.org/wiki/Transformer_(deep_learning)"
    ]
    assert urls("https://web.archive.org/web/2022/https://x.org/a") == [
        "https://web.archive.org/web/2022/https://x.org/a"
    ]


def test_numbers_are_written_like_the_registry() -> None:
    assert yaml_number(1.75e11) == "1.75e+11" and yaml_number(1e9) == "1.0e+9" and yaml_number(355.2) == "355.2"
    assert yaml_number(1.1999999999999999e24) == "1.1999999999999999e+24"
    text = render(
        "model",
        {
            "sources": [{"id": "s", "title": "T", "url": "https://t"}],
            "parameters": {"value": 1.75e11, "source": "s"},
            "name": "X",
            "id": "x",
            "released": "2020-05-28",
        },
        "Imported from a test row",
    )
    lines = text.splitlines()
    assert (
        lines[0] == "# yaml-language-server: $schema=../../schema/model.schema.json"
        and lines[1] == "# Imported from a test row"
    )
    assert lines[2:6] == ["id: x", "name: X", "released: 2020-05-28", "parameters: {value: 1.75e+11, source: s}"]
    assert parse(text)["parameters"]["value"] == 1.75e11


def test_key_order_follows_the_schema() -> None:
    assert key_order("model", ())[:3] == ["id", "name", "aliases"]
    assert key_order("model", ("training",))[:2] == ["tokens", "compute_flop"]
    assert key_order("grid", ("intensity",))[:2] == ["year", "g_per_kwh"]
    assert key_order("model", ("sources",))[:3] == ["id", "title", "url"]


def test_update_keeps_comments_and_style(tmp_path: Path) -> None:
    original = (
        "# yaml-language-server: $schema=../../schema/model.schema.json\n# A person's comment.\nid: m\nname: M\n"
        "parameters: {value: 1.0e+9, source: s}  # as printed\nsources:\n  - id: s\n    title: T\n    url: https://t\n"
    )
    path = tmp_path / "m.yaml"
    path.write_text(original, encoding="utf-8")
    data, text = read(path)
    assert update("model", text, data) == original
    data["released"] = "2021-01"
    changed = update("model", text, data)
    assert "# A person's comment." in changed and "# as printed" in changed
    assert changed.splitlines()[4] == "released: 2021-01"


def test_slugs_and_licences() -> None:
    assert slugify("GPT-3 175B (davinci)") == "gpt-3-175b-davinci" and slugify("DeepLabV3+") == "deeplabv3-plus"
    assert licence("Apache 2.0") == ("Apache-2.0", None)
    assert licence("Apache-2.0 and MIT License") == ("Apache-2.0 AND MIT", None)
    assert licence("unlicensed") == (None, None)
    spdx, problem = licence("A Bespoke Licence")
    assert spdx is None and problem is not None and "A Bespoke Licence" in problem
