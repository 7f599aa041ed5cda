"""`python -m builder summary --since REV`: the entries a pull request changes, with their headline figures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from builder.cli import main


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_summary_lists_added_and_changed_entries_with_figures(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = base_registry.parent
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "base")
    model = base_registry / "models" / "example-model.yaml"
    model.write_text(model.read_text().replace("name: Example Model", "name: Example Model | v2"))
    (base_registry / "organizations" / "new-lab.yaml").write_text("id: new-lab\nname: New Lab\n")
    assert main(["summary", "--since", "HEAD", "--registry", str(base_registry)]) == 0
    out = capsys.readouterr().out
    assert (
        "| `registry/models/example-model.yaml` | model | changed | emissions 0.02 tCO2e (reported); energy 0.288 "
        "MWh (estimated)" in out
    )
    assert "| `registry/organizations/new-lab.yaml` | organization | added | – |" in out


def test_summary_outside_git_is_a_usage_error(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--since", "no-such-revision", "--registry", str(base_registry)]) == 2
    assert "python -m builder summary: error:" in capsys.readouterr().err
