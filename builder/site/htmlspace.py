"""Whitespace no reader sees: Material's templates indent every line, about a tenth of a model page's bytes at 10,000
pages."""

from __future__ import annotations

import re

# Elements whose whitespace shows: <pre>, and <code> and <kbd>, which Material styles `white-space: pre-wrap`;
# <textarea>; and <script> and <style>, whose text is a program.
_KEPT = re.compile(r"(<(pre|code|kbd|textarea|script|style)\b.*?</\2\s*>)", re.DOTALL | re.IGNORECASE)
_BREAK = re.compile(r"\n\s+")  # a line break and the indentation and blank lines after it


def collapse(html: str) -> str:
    """A line break followed by more whitespace becomes one line break, outside the elements whose whitespace shows:
    a browser collapses such a run to one space anyway, so the page reads and lays out the same."""
    parts = _KEPT.split(html)
    out = []
    for i in range(0, len(parts), 3):  # split gives text, a kept element, its tag name, text...
        out.append(_BREAK.sub("\n", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)
