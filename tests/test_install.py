"""Installed without -e, the package carries its schemas and templates: a site builds from a registry folder alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, ROOT


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the project's wheel installed (no -e); dependencies come from the test's own
    environment through a .pth file, so nothing is downloaded."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"  # the wheel is built from a copy, so the build leaves nothing in the checkout
    anywhere = shutil.ignore_patterns("*.egg-info", "__pycache__", ".*_cache")
    at_root = {
        ".venv",
        ".git",
        "site",
        "site.tmp",
        "build",
        "tests",
        "benchmarks",
        "registry",
    }  # builder/site/ is the pages' package

    def ignore(folder: str, names: list[str]) -> set[str]:
        return set(anywhere(folder, names)) | (at_root & set(names) if Path(folder) == ROOT else set())

    shutil.copytree(ROOT, source, ignore=ignore)
    built = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        work / "dist",
        source,
        cwd=work,
    )
    assert built.returncode == 0, built.stderr
    venv = work / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=work).returncode == 0
    python = venv / "bin" / "python"
    wheel = next((work / "dist").glob("*.whl"))
    done = _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=work)
    assert done.returncode == 0, done.stderr
    site_packages = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work
    ).stdout.strip()
    Path(site_packages, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def test_the_wheel_ships_the_schemas_and_builds_a_site_without_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = _run(installed, "-c", "import builder, pathlib; print(pathlib.Path(builder.__file__).parent)", cwd=tmp_path)
    package = Path(where.stdout.strip())
    assert ROOT not in package.parents, "the installed package, not the checkout, must be imported"
    assert {p.name for p in (package / "schema").glob("*.schema.json")} == {
        p.name for p in (ROOT / "schema").glob("*.schema.json")
    }

    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "base", project / "registry")
    (project / "docs").mkdir()
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(
        docs_dir="docs",
        watch=[],
        plugins=[{"registry": {"registry": "registry", "pagefind": False}}],
        nav=[{"Home": "index.md"}, {"Models": "models/index.md"}, {"Field reference": "fields.md"}],
    )
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    validated = _run(installed, "-m", "builder", "validate", "--registry", "registry", cwd=project)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    built = _run(installed, "-m", "mkdocs", "build", "--strict", "-d", "out", cwd=project)
    assert built.returncode == 0, built.stderr
    out = project / "out"
    assert json.loads((out / "schema" / "model.schema.json").read_text(encoding="utf-8"))["$id"] == "model.schema.json"
    assert "training.energy_mwh" in (out / "fields" / "index.html").read_text(encoding="utf-8")
    assert (out / "downloads" / "models.csv").stat().st_size > 0
