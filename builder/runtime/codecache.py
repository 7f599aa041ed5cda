"""Code compiled from our own schemas and templates, kept between builds in a folder of the user's, as Python keeps .pyc files
(the schemas' validators here, the page templates by Jinja's bytecode cache in the same folder): compiling them took 0.45 s
and 0.2 s of every build."""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import CodeType


def folder() -> Path | None:
    """The cache folder, made if needed: only when this user owns it and no one else may write to it (so no one else's code is
    run); None where there is no such folder (then everything is compiled each time)."""
    if not hasattr(os, "getuid"):
        return None
    where = Path(tempfile.gettempdir()) / f"ai-impact-registry-cache-{os.getuid()}"
    try:
        where.mkdir(mode=0o700, exist_ok=True)
        info = where.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return where


def fingerprint(module_file: str) -> str:
    """A module's source as part of a key: the code kept for it changes with the module that makes it."""
    return hashlib.sha256(Path(module_file).read_bytes()).hexdigest()


def compiled(key: str, source: Callable[[], str], name: str) -> CodeType:
    """The code of `source()`, compiled, or read back from the cache when a build with this Python compiled it for the same
    `key` (which must change whenever the source would)."""
    digest = hashlib.sha256(f"{sys.version}\0{name}\0{key}".encode()).hexdigest()
    where = folder()
    path = where / f"{digest}.code" if where is not None else None
    if path is not None:
        try:
            code = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass
        else:
            if isinstance(code, CodeType):
                return code
    code = compile(source(), name, "exec")
    if path is not None:
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        try:
            partial.write_bytes(marshal.dumps(code))
            os.replace(partial, path)  # whole or not at all, also with builds side by side
        except OSError:
            partial.unlink(missing_ok=True)
    return code
