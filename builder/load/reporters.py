"""Problems written for people (text), tools (json) and pull-request annotations (github)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from builder.problems import Problem
from builder.safetext import printable


def summary(problems: Sequence[Problem], files: int) -> str:
    """'3 problems (2 errors, 1 warning) in 2 of 41 files', or 'no problems in 41 files'."""
    files_text = f"{files} file{'s' * (files != 1)}"
    if not problems:
        return f"no problems in {files_text}"
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    noun = "problem" if len(problems) == 1 else "problems"
    parts = []
    if errors and warnings:
        parts.append(f" ({errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)})")
    elif warnings:
        parts.append(f" ({warnings} warning{'s' * (warnings != 1)})")
    touched = len({p.path for p in problems})
    return f"{len(problems)} {noun}{''.join(parts)} in {touched} of {files_text}"


def text_line(p: Problem) -> str:
    """One problem on one line; a file name or text holding a control character shows it as an escape, never raw."""
    level = "" if p.is_error else "warning: "
    return printable(f"{p.path}:{p.line}:{p.column}: {level}{p.field_path or '(file)'}: {p.message} [{p.code}]")


def as_text(problems: Sequence[Problem], files: int) -> str:
    return "\n".join([*(text_line(p) for p in problems), summary(problems, files)]) + "\n"


def as_json(problems: Sequence[Problem], files: int) -> str:
    errors = sum(p.is_error for p in problems)
    body = {
        "valid": errors == 0,
        "files": files,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [
            {
                "path": printable(p.path),
                "line": p.line,
                "column": p.column,
                "field": printable(p.field_path),
                "code": p.code,
                "severity": p.severity,
                "message": printable(p.message),
            }
            for p in problems
        ],
        "summary": summary(problems, files),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: Sequence[Problem], files: int) -> str:
    """GitHub Actions workflow commands: each problem lands on its YAML line in the pull request."""
    lines = []
    for p in problems:
        level = "error" if p.is_error else "warning"
        props = (
            f"file={_escape_property(printable(p.path))},line={p.line},col={p.column},title={_escape_property(p.code)}"
        )
        lines.append(f"::{level} {props}::{_escape_data(printable(f'{p.field_path}: {p.message}'))}")
    lines.append(summary(problems, files))
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Sequence[Problem], int], str]] = {"text": as_text, "json": as_json, "github": as_github}
