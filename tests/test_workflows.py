"""The GitHub workflows follow the project's security rules: pinned actions, least privilege, no untrusted triggers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

WORKFLOWS = sorted((Path(__file__).parent.parent / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_full_commit_shas(path: Path) -> None:
    uses = re.findall(r"uses:\s*(\S+)", path.read_text())
    assert uses
    assert all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_no_pull_request_target(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text())
    triggers = workflow.get(True) or workflow.get("on")
    assert "pull_request_target" not in triggers
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), f"expression interpolated into a run script: {step['run']}"


def test_pages_deploys_with_official_actions_and_no_bot_commit() -> None:
    text = (Path(__file__).parent.parent / ".github" / "workflows" / "pages.yml").read_text()
    assert "actions/deploy-pages@" in text and "actions/upload-pages-artifact@" in text
    assert "git push" not in text and "gh-deploy" not in text
