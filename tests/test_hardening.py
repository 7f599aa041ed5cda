"""Hostile pull requests, faults and bad input (issue 24): each test reproduces an attack that worked before its fix."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from typing import Any

import pytest

from builder.cli import main
from builder.export import bundle as exports
from builder.export.bundle import COLLECTIONS
from builder.importers import run_import
from builder.load import limits, yamlfile
from builder.load import loader as registry
from builder.load.reserved import RESERVED
from builder.runtime.background import BackgroundError, Results
from builder.site import pages


def test_reserved_names_cover_every_file_the_site_writes_beside_records(base_registry: Path) -> None:
    """Every name the site, the API and the downloads use inside a collection's folder is reserved for that
    collection."""
    reg = registry.load(base_registry).require()
    ids = {
        folder: set(getattr(reg, attr))
        for folder, attr in {
            "models": "models",
            "hardware": "hardware",
            "grids": "grids",
            "organizations": "organizations",
            "claims": "claims",
        }.items()
    }
    for generated in pages.generate(reg):
        parts = generated.path.split("/")
        if parts[0] == "api" and len(parts) == 3:
            parts = parts[1:]
        if len(parts) != 2 or parts[0] not in COLLECTIONS:
            continue
        name = parts[1].removesuffix(".md").removesuffix(".json") if parts[1] != "rows.json" else parts[1]
        if name in ids[parts[0]]:
            continue
        assert name in RESERVED[parts[0]], f"{generated.path} is not reserved for {parts[0]}"


def _export(reg_root: Path, out: Path) -> Path:
    assert main(["export", "--registry", str(reg_root), "--out", str(out)]) == 0
    return out


def test_formula_text_is_neutralised_in_csv_only(base_registry: Path, tmp_path: Path) -> None:
    """A note a spreadsheet would run is led by ' in models.csv; JSON and SQLite keep the exact text."""
    model = base_registry / "models" / "example-model.yaml"
    hostile = '=HYPERLINK("https://example.org/x","Click")'
    model.write_text(
        model.read_text(encoding="utf-8").replace(
            "description: A model used by the tests.", f"description: '{hostile}'"
        ),
        encoding="utf-8",
    )
    out = _export(base_registry, tmp_path / "out")
    rows = list(csv.DictReader(io.StringIO((out / "models.csv").read_text(encoding="utf-8"))))
    cells = [v for row in rows for v in row.values() if v and "HYPERLINK" in v]
    assert cells and all(v == "'" + hostile for v in cells)
    assert json.loads((out / "models.json").read_text(encoding="utf-8"))["models"][0]["description"] == hostile
    with sqlite3.connect(out / "registry.sqlite") as con:
        texts = [
            v for row in con.execute("SELECT * FROM models") for v in row if isinstance(v, str) and "HYPERLINK" in v
        ]
    assert texts == [hostile] * len(texts) and texts
    for raw in (out / name for name in ("models.csv", "organizations.csv", "sources.csv")):
        assert not re.search(r'(^|,|")[=+@]', raw.read_text(encoding="utf-8"), re.MULTILINE), raw.name


def test_importers_flag_formula_text_and_skip_formula_titles(base_registry: Path, tmp_path: Path) -> None:
    """An upstream cell starting like a formula is flagged; a source title starting so would not validate and is
    skipped."""
    sample = Path(__file__).parent / "fixtures" / "importers"
    with (sample / "sample-notable-models.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows = rows[:1]
    rows[0]["Reference"] = '=HYPERLINK("https://example.org/x","Click")'
    hostile = tmp_path / "notable.csv"
    with hostile.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run_import("epoch-chips", [sample / "sample-chips.csv"], base_registry)
    report = run_import("epoch", [hostile], base_registry)
    flagged = [e for e in report.of("flagged") if "spreadsheet formula" in e.reason]
    assert flagged and "sources[1].title" in flagged[0].what
    assert any("formula" in e.reason for e in report.of("skipped"))


def _hostile_shapes() -> dict[str, tuple[str, str]]:
    """Files near the 1 MiB limit shaped to make many problems, by where they go in a registry."""
    refs = "\n".join(f"  - {{id: s{i}, title: S, url: 'https://example.org/{i}'}}" for i in range(100))
    figures = "\n".join(f"  f{i}: {{value: 1, source: missing-{i}}}" for i in range(8000))
    assumptions = "assumptions:\n" + "\n".join(
        f"  a{i}: {{description: d, unit: u, value: x{i}}}" for i in range(12000)
    )
    return {
        "undefined-sources": (
            "models/undefined-sources.yaml",
            f"id: undefined-sources\nname: U\nsources:\n{refs}\nextra:\n{figures}\n",
        ),
        "assumptions": ("assumptions.yaml", assumptions + "\nsources: []\n"),
    }


def test_a_file_of_any_shape_reports_a_bounded_number_of_problems(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each file lists at most PROBLEMS_PER_FILE problems and one line saying how many more; a message lists at most
    IDS_LISTED ids (8,000 undefined references once printed 440 MB, each message listing every defined id; lists are
    now at most yamlfile.MAX_ITEMS long, mappings are not)."""
    for name, (where, text) in _hostile_shapes().items():
        assert len(text.encode()) < 1024 * 1024, name
        (base_registry / where).write_text(text, encoding="utf-8")
    assert main(["validate", "--registry", str(base_registry)]) == 1
    lines = capsys.readouterr().out.splitlines()
    for name, (where, _) in _hostile_shapes().items():
        mine = [line for line in lines if Path(where).name + ":" in line]
        assert limits.PROBLEMS_PER_FILE < len(mine) <= limits.PROBLEMS_PER_FILE + 1, (name, len(mine))
        assert sum("[too-many-problems]" in line and " more problems in this file" in line for line in mine) == 1
    assert max(map(len, lines)) < 1000
    assert any(f"and {100 - limits.IDS_LISTED:,} more" in line for line in lines)


def test_export_replaces_only_a_folder_it_wrote(
    base_registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder holding a file named SHA256SUMS (any release folder) is refused, with what to do; an export is
    replaced."""
    release = tmp_path / "release"
    release.mkdir()
    (release / "SHA256SUMS").write_text("abc  notes.txt\n", encoding="utf-8")
    (release / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["export", "--registry", str(base_registry), "--out", str(release)]) == 2
    assert "holds no earlier export" in capsys.readouterr().err
    assert (release / "notes.txt").read_text(encoding="utf-8") == "keep me"
    out = _export(base_registry, tmp_path / "out")
    assert (out / exports.MARKER).read_bytes() == exports.MARKER_TEXT
    (out / "extra.txt").write_text("written by someone", encoding="utf-8")
    _export(base_registry, out)
    assert not (out / "extra.txt").exists()
    (out / exports.MARKER).unlink()
    (out / exports.MARKER).symlink_to(tmp_path / "release" / "notes.txt")
    assert main(["export", "--registry", str(base_registry), "--out", str(out)]) == 2


def _validate(reg: Path, capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, str]:
    code = main(["validate", "--registry", str(reg), *paths])
    return code, capsys.readouterr().out


def test_symlinks_and_files_that_are_not_regular_are_refused(
    base_registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link to a file outside the registry is refused without echoing it; a FIFO is refused without blocking; a linked
    folder of records is refused."""
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    (base_registry / "models" / "secret.yaml").symlink_to(secret)
    os.mkfifo(base_registry / "models" / "pipe.yaml")
    (base_registry / "models" / "folder.yaml").mkdir()
    code, out = _validate(base_registry, capsys)
    assert code == 1 and "hunter2" not in out
    assert "secret.yaml:1:1: (file): the file is a symbolic link" in out and "[file-symlink]" in out
    assert "pipe.yaml:1:1: (file): not a regular file" in out and "folder.yaml:1:1: (file): not a regular file" in out
    for name in ("secret.yaml", "pipe.yaml", "folder.yaml"):
        os.unlink(base_registry / "models" / name) if name != "folder.yaml" else (
            base_registry / "models" / name
        ).rmdir()
    elsewhere = tmp_path / "elsewhere"
    shutil.move(base_registry / "grids", elsewhere)
    (base_registry / "grids").symlink_to(elsewhere)
    code, out = _validate(base_registry, capsys)
    assert code == 1 and "grids:1:1: (file): the file is a symbolic link" in out


def test_control_characters_are_never_printed_raw(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file name holding a terminal escape and a bidi override is reported with escapes, in every format."""
    (base_registry / "models" / "x\x1b[2J\u202e.yaml").write_text("id: x\nname: X\n", encoding="utf-8")
    for fmt in ("text", "json", "github"):
        code = main(["validate", "--registry", str(base_registry), "--format", fmt])
        out = capsys.readouterr().out
        assert code == 1 and "\x1b" not in out and "\u202e" not in out, fmt
        assert "x\\u001b[2J\\u202e.yaml" in out.replace("\\\\", "\\"), fmt


def test_an_id_with_a_trailing_line_break_is_refused(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`id: "x\\n"` in a file named `x\\n.yaml`: Python's `$` matches before a final line break; ids are anchored at
    the end."""
    (base_registry / "models" / "x\n.yaml").write_text('id: "x\\n"\nname: X\n', encoding="utf-8")
    code, out = _validate(base_registry, capsys)
    assert code == 1 and "[file-name]" in out and "id: " in out and "[schema]" in out
    assert main(["new", "model", "y\n", "--registry", str(base_registry)]) == 2


def test_validate_reports_a_file_the_loader_never_reads(
    base_registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken file in a subfolder, with an upper-case extension or outside the registry is an error, not "no
    problems"."""
    broken = "id: [\n"
    (base_registry / "models" / "sub").mkdir()
    places = [
        base_registry / "models" / "sub" / "x.yaml",
        base_registry / "models" / "X.YAML",
        tmp_path / "outside.yaml",
        base_registry / "models" / ".hidden.yaml",
    ]
    for place in places:
        place.write_text(broken, encoding="utf-8")
        code, out = _validate(base_registry, capsys, str(place))
        assert code == 1 and "[file-not-read]" in out and "1 problem in 1 of 1 file" in out, out
    code, out = _validate(base_registry, capsys, str(base_registry / "models" / "example-model.yaml"))
    assert (
        code == 0 and "no problems in 1 file" in out
    )  # the files the loader never reads do not make the registry invalid


def test_the_pull_request_summary_escapes_file_names(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file name chosen by a pull request cannot add links, images, HTML or table cells to the job summary."""
    repo = base_registry.parent
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=repo, check=True)
    (base_registry / "notes").mkdir()
    hostile = "x`](https:__evil.example)<img src=x onerror=alert(1)>|[click](https:__evil.example)\t``.yaml"
    (base_registry / "notes" / hostile).write_text("x: 1\n", encoding="utf-8")
    assert main(["summary", "--since", "HEAD", "--registry", str(base_registry)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "evil" in line)
    assert (
        "```registry/notes/x`](https:__evil.example)<img src=x "
        "onerror=alert(1)>\\|[click](https:__evil.example)\\u0009``.yaml```" in row
    )
    assert row.count("|") - row.count("\\|") == 5  # four cells
    assert "| notes | added |" not in row and "x\\`\\]\\(https\\:" in row  # the kind (the file's stem) escaped as text


BOMB = (
    "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, "
    "*b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, "
    "*e, *e, *e, *e]\n"
)


@pytest.mark.parametrize(
    ("kind", "name", "content", "reason"),
    [
        (
            "epoch",
            "latin1.csv",
            "Model,Training compute (FLOP)\nCaf\xe9,1e20\n".encode("latin-1"),
            "byte 0xe9 on line 2 is not UTF-8",
        ),
        ("epoch", "nul.csv", b"Model,Training compute (FLOP)\nA\0B,1e20\n", "line 2 holds a NUL character"),
        (
            "epoch-chips",
            "huge.csv",
            b'Hardware name,x\n"' + b"a" * 200_000 + b'",1\n',
            "not a readable CSV file at line 2: field larger",
        ),
        ("codecarbon", "utf16.csv", "duration,emissions\n".encode("utf-16"), "byte 0xff on line 1 is not UTF-8"),
        ("owid-grid", "broken.json", b'{"FRA": {"carbon_intensity": 50,', "not valid JSON at line 1"),
        ("owid-grid", "deep.json", b"[" * 100_000 + b"]" * 100_000, "nested deeper than 64 levels"),
        (
            "hf-card",
            "README.md",
            (BOMB + "---\n# card\n").encode(),
            "not readable YAML at line 2, column 4: anchors (&a)",
        ),
        ("osai", "bomb.yaml", BOMB.encode(), "anchors (&a) are not allowed"),
        ("mof", "latin1.yaml", "release: {name: Caf\xe9}\n".encode("latin-1"), "byte 0xe9 on line 1 is not UTF-8"),
        (
            "mof",
            "tagged.yaml",
            b"release: !!python/object:os.system {name: x}\n",
            "the tag !!python/object:os.system is not allowed",
        ),
    ],
)
def test_importers_skip_unreadable_upstream_files_with_a_reason(
    base_registry: Path,
    tmp_path: Path,
    kind: str,
    name: str,
    content: bytes,
    reason: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Non-UTF-8 bytes, a NUL, a huge cell, broken quoting, malformed or deeply nested JSON and YAML aliases (a
    448-byte card took PyYAML 22.6 s and 4.4 GB) each end in one 'skipped' line saying why, never a traceback."""
    upstream_file = tmp_path / name
    upstream_file.write_bytes(content)
    args = ["--model", "example/x", "--url", "https://example.org/x"] if kind in ("hf-card", "codecarbon") else []
    assert main(["import", kind, str(upstream_file), "--registry", str(base_registry), "--dry-run", *args]) == 0
    out = capsys.readouterr().out
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and reason in skipped[0], out


def test_a_stuck_forked_process_is_stopped_by_the_watchdog() -> None:
    """A call that never returns (a deadlock) ends the wait with BackgroundError and the process is stopped."""
    stuck = Results([("stuck", lambda: threading.Event().wait())], watchdog=0.5)
    try:
        assert stuck.forked
        with pytest.raises(BackgroundError, match="taken for stuck and stopped"):
            stuck.get("stuck")
        assert not stuck.running
    finally:
        stuck.close()


def _ended(pid: int) -> bool:
    """Whether a process is gone or a zombie (in a container nothing may reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return True
    return "State:\tZ" in status


@pytest.mark.parametrize("how", ["SIGKILL", "exit"])
def test_the_forked_process_ends_with_its_parent(tmp_path: Path, how: str) -> None:
    """A parent killed (as a stopped `mkdocs build`) or gone takes its forked process with it: nothing keeps writing."""
    script = f"""
import os, signal, sys, time
sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
from builder.runtime.background import Results
def work():
    while True:
        with open({str(tmp_path / "written")!r}, "a") as f:
            f.write("x")
        time.sleep(0.01)
r = Results([("work", work)])
with open({str(tmp_path / "pid")!r}, "w") as f:
    f.write(str(r._process.pid))
while not os.path.exists({str(tmp_path / "written")!r}):
    time.sleep(0.01)
os.kill(os.getpid(), signal.SIGKILL) if {how!r} == "SIGKILL" else os._exit(0)
"""
    subprocess.run(
        [sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=False
    )
    child = int((tmp_path / "pid").read_text(encoding="utf-8"))
    try:
        for _ in range(200):  # up to 10 s on a busy machine; usually at once
            if _ended(child):
                break
            threading.Event().wait(0.05)
        assert _ended(child)
        size = (tmp_path / "written").stat().st_size
        threading.Event().wait(0.3)
        assert (tmp_path / "written").stat().st_size == size
    finally:
        if not _ended(child):
            os.kill(child, signal.SIGKILL)


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_an_export_interrupted_by_a_signal_removes_its_staging_folder(tmp_path: Path, name: str) -> None:
    """The signal arrives while the files sit in the staging folder: the process still ends by that signal, leaving
    nothing."""
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
from pathlib import Path
from typing import Any
from builder.export import bundle as exports
exports._swap = lambda staging, out: os.kill(os.getpid(), signal.{name})
exports.write_export(Path({str(tmp_path / "out")!r}), {{"SHA256SUMS": b"", "models.csv": b"x" * 1_000_000}})
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == -getattr(signal, name), done.stderr
    assert list(tmp_path.iterdir()) == []


def test_stale_staging_folders_of_killed_exports_are_swept(tmp_path: Path) -> None:
    """Folders left by an export killed with SIGKILL (whose process is gone) go at the next export; a running one's
    stay."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    stale = [tmp_path / f".out.new-{dead.stdout.strip()}-abc", tmp_path / f".out.old-{dead.stdout.strip()}-abc"]
    running = tmp_path / f".out.new-{os.getppid()}-xyz"
    for folder in [*stale, running]:
        folder.mkdir()
        (folder / "models.csv").write_bytes(b"x")
    exports.write_export(tmp_path / "out", {"SHA256SUMS": b""})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".out.new-" + running.name.split("new-")[1], "out"])


def test_one_record_makes_a_page_of_bounded_size(base_registry: Path) -> None:
    """A page repeats a list of sources at each figure citing it: 1,000 inference rows of plain figures beside 1,000
    sources made a 77 MB page from a 230 KB file. With lists of at most MAX_ITEMS, the largest such record makes a
    page of a few MB."""
    n = yamlfile.MAX_ITEMS
    sources = "\n".join(f"  - {{id: s{i}, title: Source {i}, url: 'https://example.org/{i}'}}" for i in range(n))
    rows = "\n".join(
        f"  - {{query: q{i}, queries: 1, energy_wh: {{value: 1.5, low: 1, high: 2}}, emissions_g: 0.5, water_ml: 3, "
        "accounting: location, scope: [accelerators], kind: measured}"
        for i in range(n)
    )
    text = f"id: big\nname: Big\norganization: example-lab\nsources:\n{sources}\ninference:\n{rows}\n"
    (base_registry / "models" / "big.yaml").write_text(text, encoding="utf-8")
    reg = registry.load(base_registry).require()
    page = next(g for g in pages.generate(reg) if g.path == "models/big.md")
    assert len(str(page.content).encode()) < 4 * 1024 * 1024
    (base_registry / "models" / "big.yaml").write_text(
        text + f"  - {{query: q{n}, queries: 1, emissions_g: 1}}\n", encoding="utf-8"
    )
    assert [p.code for p in registry.load(base_registry).errors] == ["yaml-list-length"]


@pytest.mark.parametrize(
    ("key", "field", "bad"),
    [
        ("utilization", "value", "0"),
        ("utilization", "low", "-0.1"),
        ("utilization", "value", "1.5"),
        ("power_share_of_tdp", "value", "-0.75"),
        ("pue_default", "value", "0.5"),
        ("world_grid_intensity_g_per_kwh", "value", "-481"),
        ("inference_batch_size", "value", "0"),
        ("ecologits_energy_beta", "value", "5"),
        ("cross_check_factor", "value", "1"),
    ],
)
def test_assumptions_outside_their_physical_bounds_are_refused(
    base_registry: Path, key: str, field: str, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`utilization: 0` crashed validation and the build; a negative share published negative emissions."""
    path = base_registry / "assumptions.yaml"
    data, _ = yamlfile.read(path)
    data["assumptions"].setdefault(key, {"description": "d", "unit": "u", "value": 1, "rationale": "test"})[field] = (
        float(bad)
    )
    entry = data["assumptions"][key]
    entry.pop("low" if field != "low" else "high", None)
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    code, out = _validate(base_registry, capsys)
    assert code == 1 and f"assumptions.{key}.{field}: " in out and "[schema]" in out and "Traceback" not in out


def test_every_assumption_has_bounds_in_the_schema() -> None:
    """Each default the registry (and the tests' registry) defines is listed in the schema with bounds, not left to
    the open entry shape, which only asks for a number."""
    schema = json.loads(
        (Path(__file__).parent.parent / "schema" / "assumptions.schema.json").read_text(encoding="utf-8")
    )
    bounded = schema["properties"]["assumptions"]["allOf"][0]["properties"]
    for path in (
        Path(__file__).parent.parent / "registry" / "assumptions.yaml",
        Path(__file__).parent / "fixtures" / "base" / "assumptions.yaml",
    ):
        data, _ = yamlfile.read(path)
        assert set(data["assumptions"]) <= set(bounded), set(data["assumptions"]) - set(bounded)
        for key in data["assumptions"]:
            kind = bounded[key]["$ref"].rsplit("/", 1)[1]
            limits_ = schema["$defs"][kind]["properties"]["value"]
            assert {"minimum", "exclusiveMinimum"} & set(limits_) and {"maximum", "exclusiveMaximum"} & set(limits_), (
                key
            )


def test_pages_show_paths_from_the_repository_wherever_the_build_runs(
    base_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built from another folder, a page showed the machine's path ("Source file in the repository: /home/...")."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for cwd in (elsewhere, base_registry / "models"):
        monkeypatch.chdir(cwd)
        reg = registry.load(base_registry).require()
        texts = {g.path: str(g.content) for g in pages.generate(reg) if g.path.endswith(".md")}
        assert "<code>registry/models/example-model.yaml</code>" in texts["models/example-model.md"]
        assert "<code>registry/organizations/example-lab.yaml</code>" in texts["organizations/example-lab.md"]
        assert not any(str(tmp_path) in text for text in texts.values())


def test_browser_tests_fail_rather_than_skip_when_required(tmp_path: Path) -> None:
    """On CI (REQUIRE_BROWSER_TESTS=1) a machine without Chromium fails the browser tests instead of skipping them."""
    env = {**os.environ, "REQUIRE_BROWSER_TESTS": "1", "BROWSER_TESTS_CHROMIUM": str(tmp_path / "no-chromium")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(Path(__file__).parent / "test_browser_site.py"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode != 0 and "REQUIRE_BROWSER_TESTS=1" in done.stdout


def test_ci_installs_chromium_and_requires_the_browser_tests() -> None:
    """The pull-request workflow runs .ci/run as root on Debian (which installs Chromium) with
    REQUIRE_BROWSER_TESTS=1."""
    workflow = json.loads(json.dumps(yamlfile_safe(Path(__file__).parent.parent / ".github" / "workflows" / "ci.yml")))
    job = workflow["jobs"]["test"]
    assert job["container"]["image"].startswith("python:3.11-") and job["env"]["REQUIRE_BROWSER_TESTS"] == "1"
    assert any(step.get("run") == ".ci/run" for step in job["steps"])
    assert "apt-get install" in (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")


def yamlfile_safe(path: Path) -> Any:
    """A workflow file as data (the `on` key stays a string)."""
    return yamlfile.parse(path.read_text(encoding="utf-8"))


def _pins(lock: Path) -> dict[str, str]:
    """Each package a lock file pins, by normalised name, with its version; every pin carries at least one sha256
    hash."""
    text = lock.read_text(encoding="utf-8")
    blocks = re.findall(
        r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", text, re.MULTILINE
    )
    assert len(blocks) == len(re.findall(r"^[A-Za-z0-9][^ \n]*==", text, re.MULTILINE)), (
        f"{lock.name}: a pin without hashes"
    )
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version, _ in blocks}


def test_the_deployed_build_is_pinned_with_hashes() -> None:
    """requirements.lock (the site) and requirements-dev.lock (tools and tests) pin every dependency pyproject.toml
    names, with hashes; `make` installs them with --require-hashes, and the Pages workflow builds from
    requirements.lock."""
    root = Path(__file__).parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [
        re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]).lower()
        for spec in project["dependencies"]
    ]
    dev = [
        re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]).lower()
        for spec in project["optional-dependencies"]["dev"]
    ]
    site, tools = _pins(root / "requirements.lock"), _pins(root / "requirements-dev.lock")
    assert set(names) <= set(site) and set(names) | set(dev) <= set(tools)
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert (
        "--require-hashes -r $(LOCK)" in makefile
        and "LOCK ?= requirements-dev.lock" in makefile
        and "pip-compile" in makefile
    )
    assert "make site LOCK=requirements.lock" in (root / ".github" / "workflows" / "pages.yml").read_text(
        encoding="utf-8"
    )
