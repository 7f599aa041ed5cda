"""Process-level speed machinery, invisible to the core: the forked worker that renders pages and writes the downloads
beside MkDocs, and the one place the garbage collector is touched."""
