"""Each file in tests/fixtures/invalid states the diagnostic it must produce; each in valid/ must produce none."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.cli import main
from builder.load import loader as registry

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"^# expect: (\d+):(\d+) \[([a-z-]+)\] (\S+)\r?$", re.MULTILINE)
# A case that needs other records beside it (a rule across records) names them, relative to tests/fixtures.
WITH = re.compile(r"^# with: (.+?)\r?$", re.MULTILINE)
INVALID = sorted((FIXTURES / "invalid").glob("*/*.yaml"))
VALID = sorted((FIXTURES / "valid").glob("*/*.yaml"))


def _with_case(base: Path, case: Path) -> Path:
    target = base / case.parent.name / case.name
    target.parent.mkdir(exist_ok=True)
    shutil.copyfile(case, target)
    return target


@pytest.mark.parametrize("case", INVALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_invalid_case_reports_its_located_diagnostic(
    case: Path, base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    match = EXPECT.search(case.read_bytes().decode("utf-8", errors="replace"))
    assert match, f"{case} has no '# expect: LINE:COL [code] field' line"
    line, column, code, field = int(match[1]), int(match[2]), match[3], match[4]
    for companion in (WITH.search(case.read_bytes().decode("utf-8", errors="replace")) or [None, ""])[1].split():
        _with_case(base_registry, FIXTURES / companion)
    _with_case(base_registry, case)
    loaded = registry.load(base_registry)
    found = [(p.line, p.column, p.code, p.field_path) for p in loaded.problems if p.path.endswith(case.name)]
    assert (line, column, code, field) in found, found
    assert loaded.registry is None
    assert main(["validate", "--registry", str(base_registry)]) == 1
    out = capsys.readouterr().out
    assert f"{case.name}:{line}:{column}: " in out
    assert "Traceback" not in out


@pytest.mark.parametrize("case", VALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_valid_case_has_no_errors(case: Path, base_registry: Path) -> None:
    _with_case(base_registry, case)
    loaded = registry.load(base_registry)
    assert loaded.errors == [], loaded.errors
    assert case.stem in loaded.require().models


def test_base_registry_is_clean(base_registry: Path) -> None:
    loaded = registry.load(base_registry)
    assert loaded.problems == []
