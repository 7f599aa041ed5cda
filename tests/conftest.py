"""Shared fixtures: a small valid registry copied to a temporary folder for each test that needs one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def base_registry(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/base that a test may change."""
    target = tmp_path / "registry"
    shutil.copytree(FIXTURES / "base", target)
    return target
