"""A dirty rebuild (`make serve`) renders again only the generated pages an edit touched, and gives the site a clean
build gives."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from builder.derive import derived
from builder.load import loader as registry
from builder.site import pages
from builder.site.incremental import EVERYTHING, Snapshot, plan
from tests.test_site import make_project

TWO_BUILDS = """
import json
import logging
import subprocess
import sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

config_file, site, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
logging.basicConfig(level=logging.WARNING)
config = load_config(config_file, site_dir=site, strict=False)
config.plugins.on_startup(command="build", dirty=True)
build(config, dirty=True)
# let it derive every model, so the next build keeps what an edit left alone
deriving = config.plugins["registry"].session._deriving
if deriving is not None:
    deriving[1].join()
written = {
    str(p.relative_to(site)): p.stat().st_mtime_ns for p in Path(site).rglob("*.html") if "pagefind" not in p.parts
}
Path(site).with_name("first-build.json").write_text(json.dumps(written))
for edit in edits:
    action, path, *words = edit.split("|")
    if action == "remove":
        Path(path).unlink()
    elif action == "commit":
        who = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
        subprocess.run(["git", "-C", path, *who, "commit", "-q", "--allow-empty", "-m", "a commit"], check=True)
    else:
        Path(path).write_text(Path(path).read_text(encoding="utf-8").replace(words[0], words[1]), encoding="utf-8")
build(load_config(config_file, site_dir=site, strict=False), dirty=True)
config.plugins.on_shutdown()
"""


def snapshot(root: Path, fingerprint: str = "same") -> Snapshot:
    loaded = registry.load(root)
    reg = loaded.require()
    pages = {
        "index.md",
        "models/index.md",
        "downloads/index.md",
        *(f"models/{m}.md" for m in reg.models),
        *(f"organizations/{o}.md" for o in reg.organizations),
        *(f"hardware/{h}.md" for h in reg.hardware),
        *(f"grids/{g}.md" for g in reg.grids),
    }
    return Snapshot(reg, loaded.stamps, fingerprint, frozenset(pages))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))


def test_a_model_edit_renders_its_page_what_it_refers_to_and_the_indexes(base_registry: Path) -> None:
    (base_registry / "models" / "other.yaml").write_text(
        (base_registry / "models" / "example-model.yaml")
        .read_text(encoding="utf-8")
        .replace("id: example-model", "id: other")
        .replace("name: Example Model", "name: Other Model")
        .replace("aliases: [EX-1]", "aliases: [OT-1]")
        .replace("example-lab/example-model", "example-lab/other"),
        encoding="utf-8",
    )
    before = snapshot(base_registry)
    edit(base_registry / "models" / "example-model.yaml", "name: Example Model", "name: Example Model, edited")
    stale = plan(before, snapshot(base_registry)).stale
    assert stale is not None
    assert {
        "models/example-model.md",
        "organizations/example-lab.md",
        "hardware/example-gpu.md",
        "index.md",
        "models/index.md",
        "downloads/index.md",
    } <= stale
    assert "models/other.md" not in stale


def test_no_change_renders_nothing_and_other_changes_render_everything(base_registry: Path) -> None:
    before = snapshot(base_registry)
    assert plan(before, snapshot(base_registry)).stale == frozenset()
    assert plan(None, snapshot(base_registry)) == EVERYTHING
    assert plan(before, snapshot(base_registry, fingerprint="a template changed")) == EVERYTHING
    edit(base_registry / "hardware" / "example-gpu.yaml", "id: example-gpu", "id: example-gpu  # edited")
    assert plan(before, snapshot(base_registry)) == EVERYTHING


def test_a_new_dataset_version_alone_renders_the_downloads_page(base_registry: Path) -> None:
    before = dataclasses.replace(snapshot(base_registry), version="1.0.0+abc")
    now = dataclasses.replace(snapshot(base_registry), version="1.0.0+abc.dirty")
    assert plan(before, now).stale == frozenset({"downloads/index.md"})
    assert plan(before, dataclasses.replace(now, version=before.version)).stale == frozenset()


def dirty_then_clean(tmp_path: Path, *edits: str, project: bool = True) -> tuple[Path, Path, dict[str, int]]:
    """Build dirty, apply the edits, build dirty again in the same process; then a clean build of the edited project
    (made here unless `project` is False: the caller made it)."""
    config = make_project(tmp_path) if project else tmp_path / "mkdocs.yml"
    dirty, clean = tmp_path / "dirty", tmp_path / "clean"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run(
        [sys.executable, "-c", TWO_BUILDS, str(config), str(dirty), *edits],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    first: dict[str, int] = json.loads((tmp_path / "first-build.json").read_text(encoding="utf-8"))
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(clean)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    )
    return dirty, clean, first


def same_site(dirty: Path, clean: Path) -> None:
    def files(site: Path) -> list[str]:
        return sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file() and "pagefind" not in p.parts)

    assert files(dirty) == files(clean)
    assert [f for f in files(clean) if (dirty / f).read_bytes() != (clean / f).read_bytes()] == []


def test_a_dirty_rebuild_after_a_model_edit_rewrites_only_what_shows_it(tmp_path: Path) -> None:
    registry_dir = tmp_path / "registry"
    dirty, clean, first = dirty_then_clean(
        tmp_path, f"edit|{registry_dir}/models/example-model.yaml|name: Example Model|name: Example Model, edited"
    )
    same_site(dirty, clean)
    rewritten = {f for f, ns in first.items() if (dirty / f).stat().st_mtime_ns != ns}
    assert {"models/example-model/index.html", "organizations/example-lab/index.html", "models/index.html"} <= rewritten
    assert "models/xss-model/index.html" not in rewritten
    assert "Example Model, edited" in (dirty / "models" / "example-model" / "index.html").read_text(encoding="utf-8")


def test_a_dirty_rebuild_after_a_hardware_edit_and_a_removed_model_matches_a_clean_build(tmp_path: Path) -> None:
    registry_dir = tmp_path / "registry"
    dirty, clean, first = dirty_then_clean(
        tmp_path,
        f"edit|{registry_dir}/hardware/example-gpu.yaml|name: Example GPU|name: Example GPU 2",
        f"remove|{registry_dir}/models/xss-model.yaml|",
    )
    same_site(dirty, clean)
    assert not (dirty / "models" / "xss-model" / "index.html").exists()
    assert (dirty / "models" / "example-model" / "index.html").stat().st_mtime_ns != first[
        "models/example-model/index.html"
    ]


def test_a_new_dataset_version_writes_the_downloads_again_and_nothing_else(tmp_path: Path) -> None:
    project = make_project(tmp_path).parent
    git = ["git", "-C", str(project), "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the project"], check=True)
    dirty, clean, first = dirty_then_clean(tmp_path, f"commit|{project}|", project=False)
    same_site(dirty, clean)
    rewritten = {f for f, ns in first.items() if (dirty / f).stat().st_mtime_ns != ns}
    assert rewritten == {"downloads/index.html", "404.html"}  # MkDocs writes its 404 page at every build


def test_a_claim_naming_an_edited_model_is_rendered_again(tmp_path: Path) -> None:
    root = make_project(tmp_path).parent / "registry"
    before = snapshot(root)
    edit(root / "models" / "example-model.yaml", "name: Example Model", "name: Example Model, edited")
    pages = before.pages | {"claims/example-claim.md"}
    stale = plan(dataclasses.replace(before, pages=pages), dataclasses.replace(snapshot(root), pages=pages)).stale
    assert stale is not None and "claims/example-claim.md" in stale


HELD_DOWNLOADS = """
import logging
import sys
import time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from builder.site import pages
config_file, site, release = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
logging.basicConfig(level=logging.INFO, format="%(message)s")
original = pages.write_data

def held(*args, **kwargs):
    deadline = time.monotonic() + 60  # without the release (a build that waited for the downloads would never get one)
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return original(*args, **kwargs)

pages.write_data = held
page = site / "downloads" / "index.html"

def state(when):
    text = page.read_text(encoding="utf-8")
    state = "writing" if "writing the files now" in text else "listed" if 'href="models.json.gz"' in text else "neither"
    print(when, state,
          (site / "downloads" / "models.json.gz").exists(), flush=True)

config = load_config(config_file, site_dir=str(site), strict=False)
config.plugins.on_startup(command="serve", dirty=True)
build(config, dirty=True)
state("first")
build(load_config(config_file, site_dir=str(site), strict=False), dirty=True)  # nothing edited, downloads unfinished
state("second")
release.touch()
deadline = time.monotonic() + 60
while 'href="models.json.gz"' not in page.read_text(encoding="utf-8") and time.monotonic() < deadline:
    time.sleep(0.05)
state("released")
config.plugins.on_shutdown()
"""


def test_a_preview_lists_the_downloads_after_the_reload_and_writes_them_again_if_a_rebuild_stopped_them(
    tmp_path: Path,
) -> None:
    config = make_project(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", HELD_DOWNLOADS, str(config), str(tmp_path / "site"), str(tmp_path / "release")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["first writing False", "second writing False", "released listed True"], (
        done.stderr[-3000:]
    )
    assert "the downloads are written and listed on their page" in done.stderr


def test_a_reload_keeps_the_records_and_reports_an_edit_did_not_touch(base_registry: Path) -> None:
    (base_registry / "models" / "other.yaml").write_text(
        (base_registry / "models" / "example-model.yaml")
        .read_text(encoding="utf-8")
        .replace("id: example-model", "id: other")
        .replace("name: Example Model", "name: Other Model")
        .replace("aliases: [EX-1]", "aliases: [OT-1]")
        .replace("example-lab/example-model", "example-lab/other"),
        encoding="utf-8",
    )
    cache: registry.FileCache = {}
    first = registry.load(base_registry, cache=cache).require()
    before = derived.Reports(first)
    assert [before[m].model.id for m in before] == ["example-model", "other"]

    edit(base_registry / "models" / "example-model.yaml", "name: Example Model", "name: Example Model, edited")
    second = registry.load(base_registry, cache=cache).require()
    assert second.models["other"] is first.models["other"]
    assert second.models["example-model"] is not first.models["example-model"]
    now = derived.Reports(second, before)
    assert now["other"] is before["other"]
    assert now["example-model"].model.name == "Example Model, edited"

    edit(
        base_registry / "assumptions.yaml", "value: 1.2\n    source: test-source", "value: 1.5\n    source: test-source"
    )
    third = registry.load(base_registry, cache=cache).require()  # the memory needed to run the weights changed
    later = derived.Reports(third, now)
    assert later["other"] is not now["other"]
    assert (
        later["other"].derived_json() == derived.Reports(third)["other"].derived_json() != now["other"].derived_json()
    )

    edit(base_registry / "hardware" / "example-gpu.yaml", "name: Example GPU", "name: Example GPU 2")
    fourth = registry.load(base_registry, cache=cache).require()
    assert derived.Reports(fourth, later)["other"] is not later["other"]


def test_api_files_of_removed_records_are_pruned_only_when_asked(base_registry: Path, tmp_path: Path) -> None:
    reg = registry.load(base_registry).require()
    reports = derived.Reports(reg)
    for prune in (True, False):
        site = tmp_path / f"site-{prune}"
        stale = site / "api" / "models" / "removed-model.json"
        stale.parent.mkdir(parents=True)
        stale.write_text("{}", encoding="utf-8")
        pages.write_data(reg, reports, "1.0", site, prune=prune)
        assert (site / "api" / "models" / "example-model.json").is_file()
        assert stale.exists() is not prune  # a site MkDocs emptied has none: not looked for
