"""The MkDocs plugin: thin hooks handing each build's work to one Session, which holds the builds' state."""

from __future__ import annotations

from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from builder.mkdocs_plugin.session import ASSETS, BODY_MARKER, PACKAGE, Session

__all__ = ["BODY_MARKER", "RegistryConfig", "RegistryPlugin"]


class RegistryConfig(Config):  # type: ignore[no-untyped-call]
    """Where the registry and its schemas live (relative to mkdocs.yml), whether to build the search index, and
    whether to render pages and write the downloads in a forked process (Linux) while MkDocs builds."""

    registry = c.Dir(exists=True, default="registry")
    schema = c.Optional(c.Dir(exists=True))  # unset: the schemas shipped with the package
    pagefind = c.Type(bool, default=True)
    parallel = c.Type(bool, default=True)


class RegistryPlugin(BasePlugin[RegistryConfig]):  # type: ignore[no-untyped-call]
    """Adds the registry's generated pages and indexes the site with Pagefind; the work and state are the session's."""

    _session: Session | None = None

    @property
    def session(self) -> Session:
        """The builds' state, made on first use (a build called directly, as in tests, skips on_startup)."""
        if self._session is None:
            self._session = Session()
        return self._session

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.session.startup(serving=command == "serve", dirty=dirty)

    def on_shutdown(self) -> None:
        self.session.close()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Add the theme overrides (search box), the site's CSS and JS, and watch the registry and schemas."""
        overrides = str(PACKAGE / "templates" / "overrides")
        dirs = config.theme.dirs
        dirs.insert(1 if config.theme.custom_dir else 0, overrides)
        config.extra_css.append(ASSETS[0])
        config.extra_javascript.append(ASSETS[1])
        for folder in (self.config.registry, self.config.schema):
            if folder and folder not in config.watch:
                config.watch.append(folder)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.session.pre_build(self.config, config)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        return self.session.files(files, config)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.session.page_content(html, page)

    @event_priority(100)  # before any other plugin reads the page
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        return self.session.post_page(output, page)

    def on_build_error(self, *, error: Exception) -> None:
        self.session.build_error()

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Rebuild when a template or asset of the site changes during `mkdocs serve`."""
        server.watch(str(PACKAGE / "templates"))
        server.watch(str(PACKAGE / "assets"))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.session.post_build(config)
