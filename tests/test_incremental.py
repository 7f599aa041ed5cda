"""A dirty rebuild (`make serve`) renders again only the generated pages an edit touched, and gives the site a clean build gives."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from builder import registry
from builder.incremental import EVERYTHING, Snapshot, plan
from tests.test_site import make_project

TWO_BUILDS = """
import json
import logging
import sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

config_file, site, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
logging.basicConfig(level=logging.WARNING)
config = load_config(config_file, site_dir=site, strict=False)
config.plugins.on_startup(command="build", dirty=True)
build(config, dirty=True)
written = {str(p.relative_to(site)): p.stat().st_mtime_ns for p in Path(site).rglob("*.html") if "pagefind" not in p.parts}
Path(site).with_name("first-build.json").write_text(json.dumps(written))
for edit in edits:
    action, path, *words = edit.split("|")
    if action == "remove":
        Path(path).unlink()
    else:
        Path(path).write_text(Path(path).read_text(encoding="utf-8").replace(words[0], words[1]), encoding="utf-8")
build(load_config(config_file, site_dir=site, strict=False), dirty=True)
config.plugins.on_shutdown()
"""


def snapshot(root: Path, fingerprint: str = "same") -> Snapshot:
    loaded = registry.load(root)
    reg = loaded.require()
    pages = {"index.md", "models/index.md", "downloads/index.md", *(f"models/{m}.md" for m in reg.models),
             *(f"organizations/{o}.md" for o in reg.organizations), *(f"hardware/{h}.md" for h in reg.hardware),
             *(f"grids/{g}.md" for g in reg.grids)}
    return Snapshot(reg, loaded.stamps, fingerprint, frozenset(pages))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))


def test_a_model_edit_renders_its_page_what_it_refers_to_and_the_indexes(base_registry: Path) -> None:
    (base_registry / "models" / "other.yaml").write_text(
        (base_registry / "models" / "example-model.yaml").read_text(encoding="utf-8").replace("id: example-model", "id: other"),
        encoding="utf-8")
    before = snapshot(base_registry)
    edit(base_registry / "models" / "example-model.yaml", "name: Example Model", "name: Example Model, edited")
    stale = plan(before, snapshot(base_registry)).stale
    assert stale is not None
    assert {"models/example-model.md", "organizations/example-lab.md", "hardware/example-gpu.md", "index.md",
            "models/index.md", "downloads/index.md"} <= stale
    assert "models/other.md" not in stale


def test_no_change_renders_nothing_and_other_changes_render_everything(base_registry: Path) -> None:
    before = snapshot(base_registry)
    assert plan(before, snapshot(base_registry)).stale == frozenset()
    assert plan(None, snapshot(base_registry)) == EVERYTHING
    assert plan(before, snapshot(base_registry, fingerprint="a template changed")) == EVERYTHING
    edit(base_registry / "hardware" / "example-gpu.yaml", "id: example-gpu", "id: example-gpu  # edited")
    assert plan(before, snapshot(base_registry)) == EVERYTHING


def dirty_then_clean(tmp_path: Path, *edits: str) -> tuple[Path, Path, dict[str, int]]:
    """Build dirty, apply the edits, build dirty again in the same process; then a clean build of the edited project."""
    config = make_project(tmp_path)
    dirty, clean = tmp_path / "dirty", tmp_path / "clean"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-c", TWO_BUILDS, str(config), str(dirty), *edits], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    first: dict[str, int] = json.loads((tmp_path / "first-build.json").read_text(encoding="utf-8"))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(clean)],
                   capture_output=True, text=True, check=True, cwd=tmp_path, env=env)
    return dirty, clean, first


def same_site(dirty: Path, clean: Path) -> None:
    def files(site: Path) -> list[str]:
        return sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file() and "pagefind" not in p.parts)

    assert files(dirty) == files(clean)
    assert [f for f in files(clean) if (dirty / f).read_bytes() != (clean / f).read_bytes()] == []


def test_a_dirty_rebuild_after_a_model_edit_rewrites_only_what_shows_it(tmp_path: Path) -> None:
    registry_dir = tmp_path / "registry"
    dirty, clean, first = dirty_then_clean(tmp_path, f"edit|{registry_dir}/models/example-model.yaml|name: Example Model|name: Example Model, edited")
    same_site(dirty, clean)
    rewritten = {f for f, ns in first.items() if (dirty / f).stat().st_mtime_ns != ns}
    assert {"models/example-model/index.html", "organizations/example-lab/index.html", "models/index.html"} <= rewritten
    assert "models/xss-model/index.html" not in rewritten
    assert "Example Model, edited" in (dirty / "models" / "example-model" / "index.html").read_text(encoding="utf-8")


def test_a_dirty_rebuild_after_a_hardware_edit_and_a_removed_model_matches_a_clean_build(tmp_path: Path) -> None:
    registry_dir = tmp_path / "registry"
    dirty, clean, first = dirty_then_clean(tmp_path, f"edit|{registry_dir}/hardware/example-gpu.yaml|name: Example GPU|name: Example GPU 2",
                                           f"remove|{registry_dir}/models/xss-model.yaml|")
    same_site(dirty, clean)
    assert not (dirty / "models" / "xss-model" / "index.html").exists()
    assert (dirty / "models" / "example-model" / "index.html").stat().st_mtime_ns != first["models/example-model/index.html"]


def test_a_claim_naming_an_edited_model_is_rendered_again(tmp_path: Path) -> None:
    root = make_project(tmp_path).parent / "registry"
    before = snapshot(root)
    edit(root / "models" / "example-model.yaml", "name: Example Model", "name: Example Model, edited")
    pages = before.pages | {"claims/example-claim.md"}
    stale = plan(dataclasses.replace(before, pages=pages), dataclasses.replace(snapshot(root), pages=pages)).stale
    assert stale is not None and "claims/example-claim.md" in stale
