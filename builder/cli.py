"""Command line: the only module that parses arguments; each command calls the pure core."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from builder import derived
from builder import registry as registry_module
from builder.checks import suggest
from builder.reporters import FORMATS, as_text
from builder.showing import show_text

DEFAULT_REGISTRY = Path("registry")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _registry_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY, metavar="DIR",
                   help="registry folder (default: ./registry)")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m builder", description="Build, check and export the AI Impact Registry.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    v = sub.add_parser("validate", help="check every registry file; exit 1 on any error")
    _registry_arg(v)
    v.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    s = sub.add_parser("show", help="print a model with every derived metric, its method, inputs and range")
    s.add_argument("model_id", metavar="MODEL_ID")
    _registry_arg(s)
    s.add_argument("--json", action="store_true", help="print JSON: the entry and `derived`")
    return top


def _check_registry_dir(path: Path) -> str | None:
    if not path.is_dir():
        return f"registry folder not found: {path}"
    return None


def _usage_error(command: str, message: str) -> int:
    print(f"python -m builder {command}: error: {message}", file=sys.stderr)
    return 2


def _load(args: argparse.Namespace) -> registry_module.Loaded | int:
    """The loaded registry, or an exit code after printing why it cannot be used."""
    if (message := _check_registry_dir(args.registry)) is not None:
        return _usage_error(args.command, message)
    loaded = registry_module.load(args.registry)
    if loaded.errors and args.command != "validate":
        sys.stderr.write(as_text(loaded.problems, loaded.files))
    return loaded


def cmd_validate(args: argparse.Namespace) -> int:
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    problems = loaded.problems
    if loaded.registry is not None:
        problems = registry_module.locate([*problems, *derived.warnings(derived.derive_all(loaded.registry))])
    sys.stdout.write(FORMATS[args.format](problems, loaded.files))
    return 1 if loaded.errors else 0


def cmd_show(args: argparse.Namespace) -> int:
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    if loaded.registry is None:
        return 1
    reg = loaded.registry
    if args.model_id not in reg.models:
        return _usage_error("show", f"no model '{args.model_id}' in {args.registry}/models{suggest(args.model_id, reg.models)}")
    report = derived.report(reg.models[args.model_id], reg, derived.context(reg))
    if args.json:
        body = {"id": args.model_id, "model": report.model.data, "derived": report.derived_json()}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    else:
        sys.stdout.write(show_text(report))
    return 0


COMMANDS = {"validate": cmd_validate, "show": cmd_show}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return COMMANDS[args.command](args)
