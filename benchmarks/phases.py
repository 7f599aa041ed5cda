"""One benchmark phase in a fresh process, printing its wall time and peak memory as JSON (run by benchmarks/run.py)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def floor(root: Path) -> None:
    """The floor: libyaml parsing plus one reused jsonschema validator on the published model schema."""
    import yaml
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schema_dir = Path(__file__).resolve().parent.parent / "schema"
    docs = {p.name: json.loads(p.read_text()) for p in schema_dir.glob("*.schema.json")}
    registry: Registry[Any] = Registry().with_resources([(k, Resource.from_contents(v)) for k, v in docs.items()])
    validator = Draft202012Validator(docs["model.schema.json"], registry=registry)
    for path in sorted((root / "models").glob("*.yaml")):
        list(validator.iter_errors(yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)))


def validate(root: Path) -> None:
    from builder.load import loader as registry

    registry.load(root).require()


def derive(root: Path) -> None:
    from builder.derive import derived
    from builder.load import loader as registry

    derived.derive_all(registry.load(root).require())


def export(root: Path) -> None:
    import tempfile

    from builder.derive import derived
    from builder.export import bundle as exports
    from builder.load import loader as registry

    reg = registry.load(root).require()
    reports = derived.derive_all(reg)
    with tempfile.TemporaryDirectory() as out:
        exports.write_export(Path(out) / "x", exports.dataset_files(reg, reports, "benchmark"))


def build(config: Path, site: Path) -> dict[str, float]:
    """A full `mkdocs build`, with the time spent in the registry plugin's own hooks measured apart (the time MkDocs
    waits on them; the work they hand to a forked process runs meanwhile on the other core). After the pages,
    on_post_build starts Pagefind, waits for the downloads (the session's `_finish_downloads`), then for Pagefind
    (`_index`); Pagefind is then timed alone."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from builder.mkdocs_plugin import plugin, session

    spent: dict[str, float] = {}

    def timed(name: str, cls: type = plugin.RegistryPlugin) -> Any:
        original = getattr(cls, name)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    for hook in ("on_pre_build", "on_files", "on_page_content", "on_post_page", "on_post_build"):
        setattr(plugin.RegistryPlugin, hook, timed(hook))
    for step in ("_finish_downloads", "_index"):  # within on_post_build: the session's
        setattr(session.Session, step, timed(step, session.Session))
    mkdocs_build(load_config(str(config), site_dir=str(site)))
    start = (
        time.perf_counter()
    )  # Pagefind again on the built site, alone: in the build it shares the cores with the downloads
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--silent"], check=True)
    spent["pagefind_alone"] = time.perf_counter() - start
    return spent


def plain(config: Path, site: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    mkdocs_build(load_config(str(config), site_dir=str(site)))


def main() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    phase, *args = sys.argv[1:]
    start = time.perf_counter()
    extra = globals()[phase](*map(Path, args))
    wall = (
        time.perf_counter() - start - (extra or {}).get("pagefind_alone", 0.0)
    )  # the build's own time, not the extra run
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"phase": phase, "seconds": wall, "peak_mb": peak_mb, "hooks": extra or {}}))


if __name__ == "__main__":
    main()
