"""`python -m builder audit`: every recorded conflict between sources, both values and sources, which won and why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder.cli import main
from builder.commands import audit
from builder.importers import run_import
from builder.importers.merge import merge
from builder.load import loader as registry
from builder.records.precedence import Precedence

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "importers"
EPOCH = (
    '  - {id: epoch-notable, title: Epoch AI, url: "https://epoch.ai/data/notable-ai-models", locator: row "EX-1"}\n'
)
MOT = (
    "  - {id: model-openness-tool, title: MOT, "
    'url: "https://github.com/lfai/model_openness_tool/blob/main/models/EX.yml"}\n'
)


def _with(base: Path, figure: str, table: bool = True) -> Path:
    """The example model with a parameter figure that records a disagreement, and the project's precedence table."""
    if table:
        shutil.copyfile(ROOT / "registry" / "precedence.yaml", base / "precedence.yaml")
    path = base / "models" / "example-model.yaml"
    text = path.read_text().replace("parameters: {value: 1.0e+9, source: paper}", f"parameters: {figure}")
    path.write_text(text.rstrip("\n") + "\n" + EPOCH + MOT)
    return base


def test_a_primary_source_wins_over_a_curated_index(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _with(base_registry, "{value: 1.0e+9, source: paper, disagrees: [{value: 1.1e+9, source: epoch-notable}]}")
    assert main(["audit", "--registry", str(base_registry)]) == 0
    out = capsys.readouterr().out
    assert "example-model.yaml: parameters" in out
    assert "kept:  1e+09 from paper (primary source)" in out
    assert "other: 1.1e+09 from epoch-notable (curated index, Epoch AI)" in out
    assert "won: precedence: a primary source ranks above a curated index" in out
    assert "1 conflict between sources, 0 undecided" in out


def test_a_curated_index_wins_over_a_listing(base_registry: Path) -> None:
    _with(
        base_registry,
        "{value: 1.0e+9, source: epoch-notable, disagrees: [{value: 2.0e+9, source: model-openness-tool}]}",
    )
    [found] = audit.conflicts(registry.load(base_registry).require())
    assert (found.kept_tier.label, found.other_tier.label, found.decision) == ("curated index", "listing", audit.WON)


@pytest.mark.parametrize(("kept", "other"), [("paper", "paper"), ("model-openness-tool", "epoch-notable")])
def test_a_conflict_precedence_cannot_decide_fails_until_a_person_says_why(
    base_registry: Path, capsys: pytest.CaptureFixture[str], kept: str, other: str
) -> None:
    """Same tier, or the other source ranks higher: undecided (exit 1) without a note, decided by the note."""
    _with(base_registry, f"{{value: 1.0e+9, source: {kept}, disagrees: [{{value: 3.0e+9, source: {other}}}]}}")
    assert main(["audit", "--registry", str(base_registry)]) == 1
    assert "undecided: " in capsys.readouterr().out
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(
        path.read_text().replace(f"source: {other}}}]", f"source: {other}, note: the table of the paper}}]")
    )
    assert main(["audit", "--registry", str(base_registry)]) == 0
    assert "kept by a person's decision: the table of the paper" in capsys.readouterr().out


def test_without_a_table_every_source_is_one_tier(base_registry: Path) -> None:
    _with(
        base_registry,
        "{value: 1.0e+9, source: paper, disagrees: [{value: 1.1e+9, source: epoch-notable}]}",
        table=False,
    )
    [found] = audit.conflicts(registry.load(base_registry).require())
    assert found.decision == audit.UNDECIDED and found.kept_tier == found.other_tier


def test_a_figure_without_source_is_backed_by_the_nearest_sources_list(base_registry: Path) -> None:
    _with(base_registry, "{value: 1.0e+9, source: paper}")
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(
        path.read_text().replace(
            "  pue: 1.2\n", "  pue: {value: 1.2, disagrees: [{value: 1.5, source: epoch-notable}]}\n"
        )
    )
    [found] = audit.conflicts(registry.load(base_registry).require())
    assert (found.field, found.kept_sources, found.decision) == ("training.pue", ("paper",), audit.WON)


def test_audit_json_lists_each_conflict(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _with(base_registry, "{value: 1.0e+9, source: paper, disagrees: [{value: 1.1e+9, source: epoch-notable}]}")
    assert main(["audit", "--registry", str(base_registry), "--json"]) == 0
    [body] = json.loads(capsys.readouterr().out)
    assert body["kept"] == 1e9 and body["other"] == 1.1e9 and body["other_sources"] == ["epoch-notable"]
    assert body["decision"] == "won" and body["kept_tier"] == "primary source"


def test_audit_on_an_invalid_registry_exits_1(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _with(base_registry, "{value: 1.0e+9, source: paper, disagrees: [{value: 1.1e+9, source: nowhere}]}")
    assert main(["audit", "--registry", str(base_registry)]) == 1
    assert "the source 'nowhere' is not in this file's sources" in capsys.readouterr().err


def test_a_rule_naming_a_missing_tier_is_an_error(base_registry: Path) -> None:
    shutil.copyfile(ROOT / "registry" / "precedence.yaml", base_registry / "precedence.yaml")
    path = base_registry / "precedence.yaml"
    path.write_text(path.read_text().replace("  - tier: listing\n", "  - tier: lists\n"))
    loaded = registry.load(base_registry)
    found = [(p.code, p.field_path, p.line) for p in loaded.problems if p.path.endswith("precedence.yaml")]
    line = path.read_text().splitlines().index("  - tier: lists") + 1
    assert ("precedence-tier", "rules[2].tier", line) in found, found
    assert loaded.registry is None


def test_the_real_registry_has_no_undecided_conflict() -> None:
    found = audit.conflicts(registry.load(ROOT / "registry").require())
    assert found and all(c.decided for c in found), [c.as_dict() for c in found if not c.decided]


TABLE = Precedence(yaml.safe_load((ROOT / "registry" / "precedence.yaml").read_text(encoding="utf-8")))
SOURCES = [
    {"id": "paper", "title": "P", "url": "https://example.org/paper"},
    {
        "id": "model-openness-tool",
        "title": "MOT",
        "url": "https://github.com/lfai/model_openness_tool/blob/main/models/M.yml",
    },
]
IMPORTED = {
    "id": "m",
    "name": "M",
    "openness": {"training_code": {"value": "undisclosed", "source": "epoch-notable"}},
    "sources": [{"id": "epoch-notable", "title": "E", "url": "https://epoch.ai/data/notable-ai-models"}],
}


def _existing(source: str) -> dict[str, Any]:
    return {
        "id": "m",
        "name": "M",
        "openness": {"training_code": {"value": "released", "source": source}},
        "sources": SOURCES,
    }


def test_an_import_keeps_a_higher_ranked_value_and_records_its_own() -> None:
    result = merge(_existing("paper"), IMPORTED, frozenset({"epoch-notable"}), precedence=TABLE)
    assert result.data["openness"]["training_code"] == {
        "value": "released",
        "source": "paper",
        "disagrees": [{"value": "undisclosed", "source": "epoch-notable"}],
    }
    [conflict] = result.conflicts
    assert not conflict.taken and conflict.why == "precedence: a primary source ranks above a curated index"
    again = merge(result.data, IMPORTED, frozenset({"epoch-notable"}), precedence=TABLE)
    assert again.data == result.data and again.conflicts == [] and again.changes == [], (
        "a second import changes nothing"
    )


def test_an_import_from_a_higher_tier_takes_the_field_and_keeps_the_other_value() -> None:
    result = merge(_existing("model-openness-tool"), IMPORTED, frozenset({"epoch-notable"}), precedence=TABLE)
    assert result.data["openness"]["training_code"] == {
        "value": "undisclosed",
        "source": "epoch-notable",
        "disagrees": [{"value": "released", "source": "model-openness-tool"}],
    }
    assert result.conflicts[0].taken and "a curated index ranks above a listing" in result.conflicts[0].why
    again = merge(result.data, IMPORTED, frozenset({"epoch-notable"}), precedence=TABLE)
    assert again.data["openness"]["training_code"]["disagrees"] == [
        {"value": "released", "source": "model-openness-tool"}
    ]


def test_a_tie_is_recorded_for_a_person_and_audit_fails_until_decided(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two sources of one tier: the registry's value stays, the import's is recorded, and audit says it is undecided."""
    shutil.copyfile(ROOT / "registry" / "precedence.yaml", base_registry / "precedence.yaml")
    run_import("epoch-chips", [FIXTURES / "sample-chips.csv"], base_registry)
    path = base_registry / "models" / "example-model.yaml"
    path.write_text(
        path.read_text()
        .replace("parameters: {value: 1.0e+9, source: paper}", "parameters: {value: 1.0e+9, source: epoch-top}")
        .rstrip("\n")
        + '\n  - {id: epoch-top, title: Epoch, url: "https://epoch.ai/data/notable-ai-models", locator: row "X"}\n'
    )
    report = run_import("epoch", [FIXTURES / "sample-notable-models.csv"], base_registry)
    assert any("for a person to decide" in e.reason for e in report.of("conflict"))
    assert main(["audit", "--registry", str(base_registry)]) == 1
    out = capsys.readouterr().out
    assert "kept:  1e+09 from epoch-top (curated index, Epoch AI)" in out and "other: 2e+09 from epoch-notable" in out
