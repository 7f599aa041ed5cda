"""Located diagnostics: what is wrong, where, and how serious, in one shape for every stage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file; `pointer` is the JSON path used to find line and column."""

    path: str
    line: int = 0
    column: int = 0
    code: str = field(default="", compare=False)
    message: str = field(default="", compare=False)
    severity: str = field(default=ERROR, compare=False)
    pointer: tuple[str | int, ...] = field(default=(), compare=False)
    field_path: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def located(self, line: int, column: int) -> Problem:
        """The same problem with its position filled in."""
        return Problem(self.path, line, column, self.code, self.message, self.severity, self.pointer, self.field_path)


def dotted(pointer: Iterable[str | int]) -> str:
    """`training.location.country` or `sources[2].url`, the way a contributor reads a path."""
    out = ""
    for part in pointer:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


class RegistryError(Exception):
    """Raised when a registry cannot be used; carries the problems that explain why."""

    def __init__(self, problems: list[Problem], files: int = 0) -> None:
        super().__init__(f"{sum(p.is_error for p in problems)} problems")
        self.problems = problems
        self.files = files
