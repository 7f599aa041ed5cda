"""`python -m builder validate`: exit codes, the three formats, and no traceback on bad data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main
from builder.load.loader import display_path

BROKEN = (
    "id: broken\nname: Broken\ntraining:\n  accelerator_count: -1\n"
    "sources: [{id: s, title: S, url: 'https://example.org'}]\n"
)


def _break(registry: Path) -> Path:
    path = registry / "models" / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_valid_registry_exits_0(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--registry", str(base_registry)]) == 0
    assert capsys.readouterr().out.strip().startswith("no problems in 6 files")


def test_text_format_is_one_located_line_per_problem_then_a_summary(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _break(base_registry)
    assert main(["validate", "--registry", str(base_registry)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].endswith(
        "models/broken.yaml:4:22: training.accelerator_count: -1 is less than the minimum of 1 [schema]"
    )
    assert lines[-1] == "1 problem in 1 of 7 files"


def test_json_format(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(base_registry)
    assert main(["validate", "--registry", str(base_registry), "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["valid"] is False
    assert body["errors"] == 1
    assert body["problems"][0] | {"path": ""} == {
        "path": "",
        "line": 4,
        "column": 22,
        "field": "training.accelerator_count",
        "code": "schema",
        "severity": "error",
        "message": "-1 is less than the minimum of 1",
    }


def test_github_format_annotates_the_line(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(base_registry)
    assert main(["validate", "--registry", str(base_registry), "--format", "github"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("::error file=")
    assert ",line=4,col=22,title=schema::training.accelerator_count: -1 is less than the minimum of 1" in first


def test_http_source_is_a_warning_and_still_exits_0(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = base_registry / "organizations" / "example-lab.yaml"
    path.write_text(path.read_text().replace("https://example.org", "http://example.org"))
    assert main(["validate", "--registry", str(base_registry)]) == 0
    out = capsys.readouterr().out
    assert "warning: url: http://example.org uses http://" in out
    assert out.strip().endswith("1 problem (1 warning) in 1 of 6 files")


def test_missing_registry_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--registry", str(tmp_path / "nowhere")]) == 2
    assert "registry folder not found" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--colour"])
    assert info.value.code == 2


def test_module_entry_point_reports_without_traceback(base_registry: Path) -> None:
    path = base_registry / "models" / "garbage.yaml"
    path.write_bytes(b"\x00\xff not yaml at all {{{")
    result = subprocess.run(
        [sys.executable, "-m", "builder", "validate", "--registry", str(base_registry)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "garbage.yaml:1:1: (file): byte 0xff is not UTF-8" in result.stdout or "garbage.yaml:1:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_paths_are_shown_from_the_current_folder_wherever_that_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "registry" / "models" / "m.yaml"
    file.parent.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert display_path(file) == os.path.join("registry", "models", "m.yaml")
    monkeypatch.chdir(tmp_path / "registry")  # the same folder shown anew from elsewhere
    assert display_path(file) == os.path.join("models", "m.yaml")
    assert display_path(Path("models") / "m.yaml") == os.path.join("models", "m.yaml")
    monkeypatch.chdir(tmp_path / "registry" / "models")
    assert display_path(file) == "m.yaml"
    monkeypatch.chdir(tmp_path.parent)
    assert display_path(file) == os.path.join(tmp_path.name, "registry", "models", "m.yaml")
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    assert display_path(file) == str(file)  # outside the current folder: as given
