"""The site's pages: views per page kind, Jinja templates, assets, tables and charts."""
