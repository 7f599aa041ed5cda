"""The state of a `mkdocs build` or `mkdocs serve` session's builds, behind the plugin's hooks: the loaded registry,
the forked worker rendering bodies and writing the downloads, the preview's threads, Pagefind; one close() for all."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from builder.derive import derived
from builder.export import bundle as exports
from builder.export import package as export_package
from builder.export.bundle import Download
from builder.load import loader as registry_module
from builder.load.reporters import as_text
from builder.load.schemas import Schemas
from builder.problems import RegistryError
from builder.runtime import collector
from builder.runtime.background import BackgroundError, Results, can_fork
from builder.site import htmlspace, incremental, pages

if TYPE_CHECKING:
    from builder.mkdocs_plugin.plugin import RegistryConfig

log = logging.getLogger("mkdocs.plugins.registry")
_CACHES: dict[
    tuple[str, str], registry_module.FileCache
] = {}  # per registry and schema text: kept across `mkdocs serve` rebuilds
PACKAGE = Path(__file__).resolve().parent.parent / "site"
ASSETS = ("assets/registry/registry.css", "assets/registry/registry.js")
# What page_content leaves for post_page to replace. It names <h1> because Material adds a title to content without one,
# and every generated body has its own.
BODY_MARKER = "<!-- registry: a generated body, with its <h1>, goes here -->"
DOWNLOADS = "downloads written"  # the background call that writes the downloads into the site


class GeneratedPage(File):
    """A generated page that a dirty build (`mkdocs serve --dirty`) reads and writes only when the plugin says it
    changed."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


def _fingerprint(key: tuple[str, str], settings: dict[str, str], config: MkDocsConfig) -> str:
    """Everything besides the registry's files that a generated page depends on: if it changes, every page is
    rendered again. (The dataset version, which changes with the first edit in a git checkout, shows only on the
    downloads page.)"""
    watched = [PACKAGE / "templates", PACKAGE / "assets"]
    found = sorted(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for folder in watched for p in folder.rglob("*") if p.is_file()
    )
    config_file = Path(config.config_file_path) if config.config_file_path else None
    parts = [
        key,
        settings,
        config.site_dir,
        found,
        config_file.stat().st_mtime_ns if config_file and config_file.is_file() else None,
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


class Session:
    """Loads the registry once per build, adds its pages with File.generated, renders their bodies and writes the
    downloads in the background, and runs Pagefind on the built site; what a preview keeps between builds too."""

    _options: RegistryConfig  # the plugin's options, given by each build
    _serving = False
    _dirty = False
    _generated: Callable[[], list[pages.Generated]]
    _late: dict[str, Callable[[], str]]
    _background: Results[Any] | None = None
    _emptied: Any = None  # an Event: set once MkDocs has emptied the site folder the downloads go to
    _downloads_page: Path | None = None
    _listed: list[Download] | None = None  # what the downloads page lists; None while they are being written
    _listing: tuple[Callable[[], None], threading.Thread] | None = (
        None  # `mkdocs serve` finishing the downloads: cancel, thread
    )
    _owed = False  # the last downloads were not all written: the next build writes them whatever changed
    _reports: derived.Reports | None = (
        None  # the last build's, derived here after it in dirty builds, for the next to keep
    )
    _deriving: tuple[Callable[[], None], threading.Thread] | None = (
        None  # deriving ahead between dirty builds: stop, thread
    )

    _frozen = False  # whether this build put what lived after loading out of the cyclic collector's reach
    _background_started = False
    _last: incremental.Snapshot | None = None  # what the last successful build was made from
    _dests: dict[str, str] = {}  # noqa: RUF012 (replaced, never changed in place) where each generated file was written
    _gone: list[str]
    _snapshot: Callable[[], incremental.Snapshot]
    _plan: Callable[[], incremental.Plan]
    _indexing: subprocess.Popen[bytes] | None = None
    _said: IO[bytes] | None = None  # what Pagefind writes to stderr

    def pre_build(self, options: RegistryConfig, config: MkDocsConfig) -> None:
        """Validate the registry before MkDocs empties the site folder, so an invalid registry leaves the last site
        intact; then start the background work."""
        self.close()
        self._options = options
        self._background_started = False
        schemas = Schemas(Path(self._options.schema) if self._options.schema else None)
        registry_dir = Path(self._options.registry)
        key = (str(registry_dir.resolve()), json.dumps(schemas.documents, sort_keys=True))
        with collector.paused():
            loaded = registry_module.load(registry_dir, schemas, _CACHES.setdefault(key, {}))
        try:
            reg = loaded.require()
        except RegistryError as exc:
            raise PluginError(
                "the registry has problems, so the site cannot be built:\n" + as_text(exc.problems, exc.files)
            ) from exc
        for p in loaded.problems:
            log.info("registry: %s:%s: %s", p.path, p.line, p.message)
        if not self._serving:
            # The registry lives to the end of the build: the collector's passes during the pages then leave it alone.
            # Not in a preview, which would keep what it freezes across rebuilds.
            collector.freeze()
            self._frozen = True
        # each model derived where first needed: in the forked process (so not on MkDocs' path), or here without fork; a
        # dirty build keeps the last build's reports of the models an edit did not touch
        reports = self._reports = derived.Reports(reg, self._reports if self._dirty else None)
        settings = {"site_name": config.site_name, "repo_url": config.repo_url or "", "site_url": config.site_url or ""}
        version, site = exports.dataset_version(reg.root), Path(config.site_dir)
        # the footer of every page: the data's licence and the build date (the version is on the downloads page only:
        # see incremental)
        config.extra["registry"] = {
            "built": export_package.build_date(),
            "license_url": export_package.LICENSE["path"],
            "license_title": "CC BY 4.0",
        }
        rows = pages.index_rows(reg, reports)  # for the index pages and rows.json, computed once
        self._generated = functools.cache(
            lambda: pages.generate(
                reg, reports, settings, downloads=self._written_downloads, version=version, rows=rows
            )
        )
        fingerprint = _fingerprint(key, settings, config)
        before = self._last if self._dirty else None

        def snapshot() -> incremental.Snapshot:
            return incremental.Snapshot(
                reg,
                loaded.stamps,
                fingerprint,
                frozenset(g.path for g in self._generated() if g.body is not None),
                version,
            )

        self._snapshot = functools.cache(snapshot)
        owed = (pages.DOWNLOADS_PAGE,) if self._owed else ()  # the last writing of the downloads did not finish
        self._plan = functools.cache(lambda: incremental.plan(before, self._snapshot()).including(owed))
        self._downloads_page = None
        self._emptied = multiprocessing.get_context("fork" if can_fork() else None).Event()
        emptied, dirty = self._emptied, self._dirty

        def write_data() -> list[Download]:
            # MkDocs empties the site folder after this hook (unless dirty): write the downloads only once it has
            emptied.wait()
            return pages.write_data(reg, reports, version, site, rows, prune=dirty)

        def calls() -> list[tuple[str, Callable[[], Any]]]:
            """In the order MkDocs builds the pages: every body but the downloads page's (built last, from what was
            written), then the downloads."""
            plan = self._plan()
            bodies = [
                (g.path, g.body)
                for g in self._generated()
                if g.body is not None and g.path != pages.DOWNLOADS_PAGE and plan.renders(g.path)
            ]
            return [*bodies, (DOWNLOADS, write_data)] if plan.renders(pages.DOWNLOADS_PAGE) else bodies

        # One forked process lists the pages, derives, renders the bodies, then writes the downloads, while MkDocs lists
        # the same pages here (a second process would compete with MkDocs for the two cores and made builds slower).
        self._background = Results(calls, fork=self._options.parallel)
        self._background_started = True

    def files(self, files: Files, config: MkDocsConfig) -> Files:
        """Add every generated page and file; their bodies are on their way from the background."""
        assert self._emptied is not None, "on_pre_build starts the background work"
        self._emptied.set()
        docs = Path(config.docs_dir)
        registry_dir = Path(self._options.registry)
        # edit links open the registry file: its path from the docs folder (resolved once, not per page)
        from_docs = os.path.relpath(registry_dir.resolve(), docs.resolve()).replace(os.sep, "/")
        self._late = {}
        plan = self._plan()
        dests: dict[str, str] = {}
        written = {
            f.src_uri for f in files
        }  # the hand-written files, in one set (MkDocs' lookup makes a path object per call)
        for g in self._generated():
            if g.path in written:
                raise PluginError(
                    f"{docs / g.path} would hide the generated page of the same path: remove or rename it"
                )
            listed = g.path == "index.md" or g.path.endswith("/index.md") or "/" not in g.path
            inclusion = InclusionLevel.UNDEFINED if listed else InclusionLevel.NOT_IN_NAV
            if g.copy_of is not None:
                f = File.generated(config, g.path, abs_src_path=str(g.copy_of), inclusion=inclusion)
            else:
                f = GeneratedPage.generated(config, g.path, content=g.text, inclusion=inclusion)
                assert isinstance(f, GeneratedPage)
                f.modified = plan.renders(g.path)
            if (
                self._dirty
            ):  # only a dirty build removes what the last one wrote (a pathlib computation for each of 21,000 files)
                dests[g.path] = f.abs_dest_path
            if g.body is not None:
                self._late[g.path] = g.body
            if g.source is not None and g.path.endswith(".md"):
                f.edit_uri = f"{from_docs}/{g.source.relative_to(registry_dir).as_posix()}"
            files.append(f)
        for asset in ASSETS:
            files.append(
                File.generated(config, asset, abs_src_path=str(PACKAGE / asset.replace("assets/registry/", "assets/")))
            )
        self._gone = [dest for path, dest in self._dests.items() if path not in dests] if self._dirty else []
        if plan.stale is not None:
            log.info(
                "registry: %d of %d generated pages show what changed since the last build: rendering only those",
                len(plan.stale),
                len(self._late),
            )
        self._dests = dests
        return files

    def _written_downloads(self) -> list[Download] | None:
        return self._listed

    def page_content(self, html: str, page: Page) -> str:
        """A generated page's body is HTML rendered apart: leave a marker for on_post_page instead of
        Python-Markdown's output (its raw-HTML parsing was the slowest part of a build)."""
        return BODY_MARKER if page.file.src_uri in self._late else html

    def post_page(self, output: str, page: Page) -> str:
        """Drop the theme's indentation and blank lines (a model page's bodies have none), then put the generated
        page's body where its marker is; the downloads page keeps its marker until on_post_build."""
        output = htmlspace.collapse(output)
        key = page.file.src_uri
        if key not in self._late:
            return output
        if key == pages.DOWNLOADS_PAGE:
            self._downloads_page = Path(page.file.abs_dest_path)
            return output
        assert self._background is not None, "on_pre_build starts the background work before MkDocs builds any page"
        try:
            body = self._background.get(key)
        except BackgroundError as exc:
            self.close()
            raise PluginError(f"rendering {key} failed: {exc}") from exc
        return output.replace(BODY_MARKER, body, 1)

    def build_error(self) -> None:
        """Stop the background process of a failed build; if it got past validation (so MkDocs may have written part
        of the site), the next build renders every page again."""
        self.close()
        if self._background_started:
            self._last = None

    def _thaw(self) -> None:
        """Give the cyclic collector back what the build froze."""
        if self._frozen:
            collector.thaw()
            self._frozen = False

    def close(self) -> None:
        """The one tear-down: stop whatever a build left running (its forked process, deriving ahead and, in `mkdocs
        serve`, unfinished downloads, written again by the next build, and an unfinished Pagefind run) and give the
        collector back what the build froze."""
        self._thaw()
        for running in (self._listing, self._deriving):
            if running is not None:
                cancel, thread = running
                cancel()
                thread.join()
        self._listing = self._deriving = None
        self._close_background()
        if self._indexing is not None:
            if self._indexing.poll() is None:
                self._indexing.terminate()
            self._indexing.wait()
            self._indexing = None
        if self._said is not None:
            self._said.close()
            self._said = None

    def _close_background(self) -> None:
        if self._background is not None:
            self._background.close()
            self._background = None
        self._emptied = None

    def post_build(self, config: MkDocsConfig) -> None:
        """Start Pagefind on the entity pages (those marked data-pagefind-body) while the downloads are finished and
        listed on their page (which Pagefind does not index), then wait for the index; in `mkdocs serve` the index is
        left to finish while the browser reloads, so an edit shows without waiting for search."""
        self._thaw()
        site = Path(config.site_dir)
        for dest in self._gone:  # what a dirty build's removed records left (MkDocs empties the folder of other builds)
            Path(dest).unlink(missing_ok=True)
        if self._options.pagefind:
            self._said = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _index or _stop, after Pagefind ends)
            self._indexing = subprocess.Popen(self._pagefind(site), stdout=subprocess.DEVNULL, stderr=self._said)
        try:
            self._finish_downloads()
        except BaseException:
            self.close()
            raise
        self._last = self._snapshot()
        if self._indexing is not None and self._serving:
            log.info("registry: Pagefind is indexing the preview in the background; search works once it is done")
        elif self._indexing is not None:
            self._index()
        if self._dirty and self._reports is not None:
            self._derive_ahead(self._reports)

    def _derive_ahead(self, reports: derived.Reports) -> None:
        """Between dirty builds (a preview waiting for the next edit), derive every model here, so the next build
        keeps the reports of the models it did not touch instead of deriving them all again for the pages about many
        models."""
        stop = threading.Event()

        def derive() -> None:
            for model_id in reports:
                if stop.is_set():
                    return
                try:
                    reports[model_id]
                except Exception:  # the next build derives this model again and reports the failure
                    return

        thread = threading.Thread(target=derive, daemon=True)
        self._deriving = (stop.set, thread)
        thread.start()

    def _finish_downloads(self) -> None:
        """Wait for the downloads and put their list into the downloads page MkDocs wrote (when it did: a dirty build
        may not). In `mkdocs serve`, the page says they are being written and a thread lists them once they are,
        after the browser reloads."""
        if self._downloads_page is None:
            self._close_background()
            return
        written, body = self._downloads_page, self._late[pages.DOWNLOADS_PAGE]
        html = written.read_text(encoding="utf-8")
        if self._serving and self._background is not None and self._background.forked:
            self._listed = None
            _replace_marker(written, html, body())
            results, self._background = self._background, None
            thread = threading.Thread(target=self._list_downloads, args=(results, written, html, body), daemon=True)
            self._listing, self._owed = (results.cancel, thread), True
            thread.start()
            log.info("registry: the downloads are being written in the background; their page lists them once done")
            return
        try:
            assert self._background is not None, "on_pre_build starts the background work"
            self._listed = self._background.get(DOWNLOADS)
        except BackgroundError as exc:
            self._close_background()
            raise PluginError(f"writing the downloads failed: {exc}") from exc
        self._close_background()  # the forked process has given every result and ends by itself; the close reaps it
        _replace_marker(written, html, body())

    def _list_downloads(self, results: Results[Any], written: Path, html: str, body: Callable[[], str]) -> None:
        """In `mkdocs serve`, after the reload: wait for the downloads, then list them on their page."""
        try:
            listed = results.get(DOWNLOADS)
        except BackgroundError as exc:
            if not results.cancelled:
                log.error("registry: writing the downloads failed (the next rebuild tries again): %s", exc)
            return
        finally:
            results.close()
        self._listed = listed
        try:
            _replace_marker(written, html, body())
        except OSError as exc:
            log.error("registry: listing the downloads on their page failed (the next rebuild tries again): %s", exc)
            return
        self._owed = False
        log.info("registry: the downloads are written and listed on their page")

    @staticmethod
    def _pagefind(site: Path) -> list[str]:
        return [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]

    def _index(self) -> None:
        """Wait for Pagefind's index of the built site; a failure fails the build."""
        assert self._indexing is not None and self._said is not None
        code = self._indexing.wait()
        self._said.seek(0)
        said = self._said.read().decode("utf-8", "replace").strip()
        self.close()
        if code != 0:
            raise PluginError(f"Pagefind could not index the site: {said or f'exit code {code}'}")

    def startup(self, serving: bool, dirty: bool) -> None:
        """Note whether this is `mkdocs serve`, where the search index is built after the browser reloads, and
        whether builds are dirty, where a rebuild renders again only the generated pages an edit touched."""
        self._serving, self._dirty = serving, dirty


def _replace_marker(written: Path, html: str, body: str) -> None:
    """Write a built page again with `body` in place of its marker, whole, for a Pagefind run reading the site
    meanwhile."""
    partial = written.with_name(written.name + ".partial")
    partial.write_text(html.replace(BODY_MARKER, body, 1), encoding="utf-8")
    os.replace(partial, written)
