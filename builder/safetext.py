"""Characters no registry text may hold, and text made safe to print: control characters can rewrite a terminal
("\\e[2J" clears it) and bidirectional overrides make text read differently from what it holds."""

from __future__ import annotations

import re

# C0 controls but the line feed, DEL and C1 controls, line and paragraph separators, bidi embeddings, overrides and
# isolates, and the byte-order mark / zero-width no-break space
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE_OR_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """The text with each unsafe character (and line break) written as an escape such as \\u001b, so it prints as it
    is."""
    return _UNSAFE_OR_LINE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _UNSAFE_OR_LINE.search(text) else text


def describe(char: str) -> str:
    """A character named for a message, never printed raw: U+001B."""
    return f"U+{ord(char):04X}"
