"""The MkDocs plugin: the only module that imports MkDocs; it adds the registry's generated pages and indexes them with Pagefind."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from builder import derived, pages
from builder import registry as registry_module
from builder.derived import ModelReport
from builder.problems import RegistryError
from builder.registry import Registry
from builder.reporters import as_text
from builder.schemas import Schemas

log = logging.getLogger("mkdocs.plugins.registry")
_CACHES: dict[tuple[str, str], registry_module.FileCache] = {}  # per registry and schema text: kept across `mkdocs serve` rebuilds
PACKAGE = Path(__file__).parent
ASSETS = ("assets/registry/registry.css", "assets/registry/registry.js")


class RegistryConfig(Config):  # type: ignore[no-untyped-call]
    """Where the registry and its schemas live (relative to mkdocs.yml), and whether to build the search index."""

    registry = c.Dir(exists=True, default="registry")
    schema = c.Dir(exists=True, default="schema")
    pagefind = c.Type(bool, default=True)


class RegistryPlugin(BasePlugin[RegistryConfig]):  # type: ignore[no-untyped-call]
    """Loads the registry once per build, adds its pages with File.generated, and runs Pagefind on the built site."""

    _registry: Registry
    _reports: dict[str, ModelReport]
    _bodies: dict[str, str]

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
        """Validate and derive the registry before MkDocs empties the site folder, so an invalid registry leaves the last site intact."""
        schemas = Schemas(Path(self.config.schema))
        key = (str(Path(self.config.registry).resolve()), json.dumps(schemas.documents, sort_keys=True))
        loaded = registry_module.load(Path(self.config.registry), schemas, _CACHES.setdefault(key, {}))
        try:
            self._registry = loaded.require()
        except RegistryError as exc:
            raise PluginError("the registry has problems, so the site cannot be built:\n" + as_text(exc.problems, exc.files)) from exc
        for p in loaded.problems:
            log.info("registry: %s:%s: %s", p.path, p.line, p.message)
        self._reports = derived.derive_all(self._registry)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add every generated page and data file of the registry loaded in on_pre_build."""
        reg, reports = self._registry, self._reports
        settings = {"site_name": config.site_name, "repo_url": config.repo_url or "", "site_url": config.site_url or ""}
        docs = Path(config.docs_dir)
        self._bodies = {}
        for g in pages.generate(reg, reports, settings):
            existing = files.get_file_from_path(g.path)
            if existing is not None:
                raise PluginError(f"{Path(config.docs_dir) / g.path} would hide the generated page of the same path: remove or rename it")
            listed = g.path == "index.md" or g.path.endswith("/index.md") or "/" not in g.path
            content = g.content
            if isinstance(content, str) and g.path.endswith(".md") and g.html:
                content, self._bodies[g.path] = pages.split_front_matter(content)
            f = File.generated(config, g.path, content=content, inclusion=InclusionLevel.UNDEFINED if listed else InclusionLevel.NOT_IN_NAV)
            if g.source is not None and g.path.endswith(".md"):
                f.edit_uri = os.path.relpath(g.source.resolve(), docs.resolve()).replace(os.sep, "/")
            files.append(f)
        for asset in ASSETS:
            files.append(File.generated(config, asset, abs_src_path=str(PACKAGE / asset.replace("assets/registry/", "assets/"))))
        return files

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A generated page's body is already HTML: hand it over as is instead of through Python-Markdown,
        whose raw-HTML parsing took half of a build."""
        return self._bodies.get(page.file.src_uri, html)

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Rebuild when a template or asset of the site changes during `mkdocs serve`."""
        server.watch(str(PACKAGE / "templates"))
        server.watch(str(PACKAGE / "assets"))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Index the entity pages (those marked data-pagefind-body) with Pagefind, from the site folder itself."""
        if not self.config.pagefind:
            return
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", config.site_dir, "--silent"], capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise PluginError(f"Pagefind could not index the site: {done.stderr.strip() or done.stdout.strip()}")
