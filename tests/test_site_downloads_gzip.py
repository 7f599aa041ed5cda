"""The site's downloads fit GitHub Pages' 1 GB limit at scale: the bulkiest are published once, gzip-compressed, and
unpack to exactly what `python -m builder export` writes (issue 24, finding 17)."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

from frictionless import validate

from builder import cli
from builder.derive import derived
from builder.export import bundle as exports
from builder.load import loader as registry
from builder.site import pages

FIXTURES = Path(__file__).parent / "fixtures"


def test_site_publishes_the_bulkiest_downloads_once_gzipped_as_the_export_writes_them(
    base_registry: Path, tmp_path: Path
) -> None:
    shutil.copytree(FIXTURES / "exports", base_registry, dirs_exist_ok=True)
    reg = registry.load(base_registry).require()
    reports = derived.derive_all(reg)
    exported = exports.dataset_files(reg, reports, "1.2.3")
    site = {
        name.removeprefix("downloads/"): content
        for name, content in pages.data_files(reg, reports, "1.2.3").items()
        if name.startswith("downloads/")
    }
    assert set(exports.SITE_GZIP) <= set(exported)
    for name in exports.SITE_GZIP:
        assert name not in site, f"{name} is published uncompressed"
        assert gzip.decompress(site[f"{name}.gz"]) == exported[name]
        assert len(site[f"{name}.gz"]) < len(exported[name])
    assert {n: b for n, b in site.items() if not n.endswith(".gz") and n not in (exports.PACKAGE, exports.SUMS)} == {
        n: b for n, b in exported.items() if n not in exports.SITE_GZIP and n not in (exports.PACKAGE, exports.SUMS)
    }
    digests = [hashlib.sha256(b).hexdigest() for b in site.values()]
    assert len(set(digests)) == len(digests), "two downloads hold the same bytes"
    assert cli.main(["export", "--registry", str(base_registry), "--out", str(tmp_path / "export"), "--gzip"]) == 0
    written = {p.name: p.read_bytes() for p in (tmp_path / "export").iterdir() if p.name != exports.MARKER}
    assert {n for n in written if n.endswith(".gz")} == {
        f"{name}.gz" for name in exports.SITE_GZIP
    }  # `export --gzip`: the site's form
    plain = exports.dataset_files(reg, reports, exports.dataset_version(base_registry))
    assert all(gzip.decompress(written[f"{name}.gz"]) == plain[name] for name in exports.SITE_GZIP)
    sums = dict(reversed(line.split("  ", 1)) for line in site[exports.SUMS].decode("utf-8").splitlines())
    assert set(sums) == set(site) - {exports.SUMS}
    package = json.loads(site[exports.PACKAGE])
    compressed = {r["path"]: r for r in package["resources"] if r.get("compression") == "gz"}
    assert set(compressed) == {f"{name}.gz" for name in exports.SITE_GZIP}
    for path, resource in compressed.items():
        assert resource["bytes"] == len(site[path]) and resource["hash"] == f"sha256:{sums[path]}"
    listed = {
        d.name: d for d in exports.downloads(site)
    }  # as the downloads page lists them: what each holds, and that it is gzip
    for path, resource in compressed.items():
        assert listed[path].format.endswith(", gzip") and "gunzip" in listed[path].notes
        if "schema" in resource:  # a table: what it holds, from datapackage.json, as for an uncompressed one
            assert listed[path].notes.startswith(resource["description"]), listed[path].notes
    out = tmp_path / "site-downloads"
    out.mkdir()
    for name, content in site.items():
        (out / name).write_bytes(content)
    report = validate(
        out / exports.PACKAGE
    )  # Frictionless reads the .gz tables, checks their schemas, keys, sizes and hashes
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == len(package["resources"])
