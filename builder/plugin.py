"""The MkDocs plugin: the only module that imports MkDocs; it adds the registry's generated pages and indexes them with Pagefind."""

from __future__ import annotations

import functools
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from builder import derived, exports, pages
from builder import registry as registry_module
from builder.background import BackgroundError, Results
from builder.derived import ModelReport
from builder.exports import Download
from builder.problems import RegistryError
from builder.registry import Registry
from builder.reporters import as_text
from builder.schemas import Schemas

log = logging.getLogger("mkdocs.plugins.registry")
_CACHES: dict[tuple[str, str], registry_module.FileCache] = {}  # per registry and schema text: kept across `mkdocs serve` rebuilds
PACKAGE = Path(__file__).parent
ASSETS = ("assets/registry/registry.css", "assets/registry/registry.js")
# What on_page_content leaves for on_post_page to replace. It names <h1> because Material adds a title to content without one,
# and every generated body has its own.
BODY_MARKER = "<!-- registry: a generated body, with its <h1>, goes here -->"
DOWNLOADS = "downloads written"  # the background call that writes the downloads into the site


class RegistryConfig(Config):  # type: ignore[no-untyped-call]
    """Where the registry and its schemas live (relative to mkdocs.yml), whether to build the search index, and whether to
    render pages and write the downloads in a forked process (Linux) while MkDocs builds."""

    registry = c.Dir(exists=True, default="registry")
    schema = c.Dir(exists=True, default="schema")
    pagefind = c.Type(bool, default=True)
    parallel = c.Type(bool, default=True)


class RegistryPlugin(BasePlugin[RegistryConfig]):  # type: ignore[no-untyped-call]
    """Loads the registry once per build, adds its pages with File.generated, renders their bodies and writes the downloads in
    the background, and runs Pagefind on the built site."""

    _registry: Registry
    _derive: Callable[[], dict[str, ModelReport]]
    _late: dict[str, Callable[[], str]]
    _background: Results[Any] | None = None

    _serving = False
    _indexing: subprocess.Popen[bytes] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note whether this is `mkdocs serve`, where the search index is built after the browser reloads."""
        self._serving = command == "serve"

    def on_shutdown(self) -> None:
        self._stop()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Add the theme overrides (search box), the site's CSS and JS, and watch the registry and schemas."""
        overrides = str(PACKAGE / "templates" / "overrides")
        dirs = config.theme.dirs
        dirs.insert(1 if config.theme.custom_dir else 0, overrides)
        config.extra_css.append(ASSETS[0])
        config.extra_javascript.append(ASSETS[1])
        for folder in (self.config.registry, self.config.schema):
            if folder not in config.watch:
                config.watch.append(folder)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Validate the registry before MkDocs empties the site folder, so an invalid registry leaves the last site intact."""
        self._stop()
        schemas = Schemas(Path(self.config.schema))
        key = (str(Path(self.config.registry).resolve()), json.dumps(schemas.documents, sort_keys=True))
        loaded = registry_module.load(Path(self.config.registry), schemas, _CACHES.setdefault(key, {}))
        try:
            self._registry = loaded.require()
        except RegistryError as exc:
            raise PluginError("the registry has problems, so the site cannot be built:\n" + as_text(exc.problems, exc.files)) from exc
        for p in loaded.problems:
            log.info("registry: %s:%s: %s", p.path, p.line, p.message)
        # derived where first needed: in the forked process (so not on MkDocs' path), or once here without fork
        self._derive = functools.cache(functools.partial(derived.derive_all, self._registry))

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add every generated page and file, start writing the downloads into the site folder and rendering the page bodies."""
        reg, derive = self._registry, self._derive
        settings = {"site_name": config.site_name, "repo_url": config.repo_url or "", "site_url": config.site_url or ""}
        docs = Path(config.docs_dir)
        version, site = exports.dataset_version(reg.root), Path(config.site_dir)
        self._late = {}
        for g in pages.generate(reg, derive, settings, downloads=self._written_downloads, version=version):
            if files.get_file_from_path(g.path) is not None:
                raise PluginError(f"{docs / g.path} would hide the generated page of the same path: remove or rename it")
            listed = g.path == "index.md" or g.path.endswith("/index.md") or "/" not in g.path
            inclusion = InclusionLevel.UNDEFINED if listed else InclusionLevel.NOT_IN_NAV
            if g.copy_of is not None:
                f = File.generated(config, g.path, abs_src_path=str(g.copy_of), inclusion=inclusion)
            else:
                f = File.generated(config, g.path, content=g.text, inclusion=inclusion)
            if g.body is not None:
                self._late[g.path] = g.body
            if g.source is not None and g.path.endswith(".md"):
                f.edit_uri = os.path.relpath(g.source.resolve(), docs.resolve()).replace(os.sep, "/")
            files.append(f)
        for asset in ASSETS:
            files.append(File.generated(config, asset, abs_src_path=str(PACKAGE / asset.replace("assets/registry/", "assets/"))))
        # One forked process derives, renders the bodies in the order MkDocs builds the pages, then writes the downloads (a
        # second process would compete with MkDocs for the two cores and made builds slower); the downloads page, built last,
        # is rendered here from what was written.
        calls: list[tuple[str, Callable[[], Any]]] = [(k, v) for k, v in self._late.items() if k != pages.DOWNLOADS_PAGE]
        calls.append((DOWNLOADS, lambda: pages.write_data(reg, derive(), version, site)))
        self._background = Results(calls, fork=self.config.parallel)
        return files

    def _written_downloads(self) -> list[Download]:
        assert self._background is not None
        written: list[Download] = self._background.get(DOWNLOADS)
        return written

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A generated page's body is HTML rendered apart: leave a marker for on_post_page instead of Python-Markdown's output
        (its raw-HTML parsing took half of a build)."""
        return BODY_MARKER if page.file.src_uri in self._late else html

    @event_priority(100)  # before any other plugin reads the page
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Put the generated page's body where its marker is."""
        key = page.file.src_uri
        if key not in self._late:
            return output
        assert self._background is not None, "on_files starts the background work before MkDocs builds any page"
        try:
            body = self._late[key]() if key == pages.DOWNLOADS_PAGE else self._background.get(key)
        except BackgroundError as exc:
            self._stop()
            raise PluginError(f"rendering {key} failed: {exc}") from exc
        return output.replace(BODY_MARKER, body, 1)

    def on_build_error(self, *, error: Exception) -> None:
        """Stop the background process of a failed build."""
        self._stop()

    def _stop(self) -> None:
        """Stop whatever a build left running: its forked process and, in `mkdocs serve`, an unfinished Pagefind run."""
        if self._background is not None:
            self._background.close()
            self._background = None
        if self._indexing is not None:
            if self._indexing.poll() is None:
                self._indexing.terminate()
            self._indexing.wait()
            self._indexing = None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Rebuild when a template or asset of the site changes during `mkdocs serve`."""
        server.watch(str(PACKAGE / "templates"))
        server.watch(str(PACKAGE / "assets"))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Wait for the downloads, then index the entity pages (those marked data-pagefind-body) with Pagefind; in `mkdocs serve`
        Pagefind runs while the browser reloads, so an edit shows without waiting for the search index."""
        self._finish_downloads()
        if not self.config.pagefind:
            return
        if self._serving:
            self._indexing = subprocess.Popen(self._pagefind(Path(config.site_dir)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            log.info("registry: Pagefind is indexing the preview in the background; search works once it is done")
        else:
            self._index(Path(config.site_dir))

    def _finish_downloads(self) -> None:
        try:
            if self._background is not None and self._background.pending(DOWNLOADS):
                self._background.get(DOWNLOADS)
        except BackgroundError as exc:
            raise PluginError(f"writing the downloads failed: {exc}") from exc
        finally:
            self._stop()

    @staticmethod
    def _pagefind(site: Path) -> list[str]:
        return [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]

    def _index(self, site: Path) -> None:
        """Pagefind's index of the built site, from the site folder itself."""
        done = subprocess.run(self._pagefind(site), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PluginError(f"Pagefind could not index the site: {done.stderr.strip() or done.stdout.strip()}")
