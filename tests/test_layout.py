"""The stages of builder/ import one way: records, load, derive, export, site, then the MkDocs adapter; only the adapter
imports MkDocs and only the CLI parses arguments."""

from __future__ import annotations

import ast
from pathlib import Path

BUILDER = Path(__file__).parent.parent / "builder"
STAGES = ("records", "load", "derive", "export", "site", "mkdocs_plugin")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_each_stage_imports_only_the_stages_above_it() -> None:
    upward = []
    for rank, stage in enumerate(STAGES):
        for path in sorted((BUILDER / stage).rglob("*.py")):
            for module in _imports(path):
                parts = module.split(".")
                if parts[0] == "builder" and len(parts) > 1 and parts[1] in STAGES and STAGES.index(parts[1]) > rank:
                    upward.append(f"{path.relative_to(BUILDER)} imports {module}")
    assert upward == []


def test_only_the_adapter_imports_mkdocs_and_only_the_cli_parses_arguments() -> None:
    mkdocs = sorted(
        str(p.relative_to(BUILDER))
        for p in BUILDER.rglob("*.py")
        if any(m.split(".")[0] == "mkdocs" for m in _imports(p))
    )
    assert mkdocs and all(p.startswith("mkdocs_plugin/") for p in mkdocs)
    argparse = sorted(str(p.relative_to(BUILDER)) for p in BUILDER.rglob("*.py") if "argparse" in _imports(p))
    assert argparse == ["cli.py"]


def test_every_stage_says_what_it_owns() -> None:
    for stage in (*STAGES, "runtime", "commands", "importers"):
        doc = ast.get_docstring(ast.parse((BUILDER / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"builder/{stage}/__init__.py has no docstring"


def test_the_core_does_not_see_the_runtime_and_only_the_runtime_touches_the_collector() -> None:
    """The speed machinery (forked work, the garbage collector) stays in builder/runtime/, for the adapter and CLI."""
    core = []
    for stage in ("records", "load", "derive", "export", "site"):
        for path in sorted((BUILDER / stage).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {
                f"{n.module}.{a.name}"
                for n in ast.walk(tree)
                if isinstance(n, ast.ImportFrom) and n.module
                for a in n.names
            }
            core += [
                f"{path.relative_to(BUILDER)} imports {m}"
                for m in _imports(path) | names
                if m == "builder.runtime" or m.startswith("builder.runtime.")
            ]
    assert core == []
    collector = sorted(str(p.relative_to(BUILDER)) for p in BUILDER.rglob("*.py") if "gc" in _imports(p))
    assert collector == ["runtime/collector.py"]
