"""The benchmark's synthetic registry is valid by construction, so the scale figures measure a registry that builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from builder.load import loader

ROOT = Path(__file__).parent.parent


def test_a_synthetic_registry_validates_with_no_error(tmp_path: Path) -> None:
    target = tmp_path / "registry"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--models", "120", str(target)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    loaded = loader.load(target)
    assert [f"{p.path}: {p.message} [{p.code}]" for p in loaded.errors] == []
    assert len(loaded.require().models) == 120
