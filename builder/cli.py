"""Command line: the only module that parses arguments; each command calls the pure core."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from builder import importers
from builder.commands import audit, changes
from builder.commands.new import FOLDER_OF, template
from builder.commands.show import relations, show_text
from builder.derive import coverage, derived
from builder.export import bundle as exports
from builder.importers.report import progress_printer
from builder.load import loader as registry_module
from builder.load.checks import ID, suggest
from builder.load.reporters import FORMATS, as_text
from builder.problems import Problem
from builder.records.registry import FOLDERS, Registry
from builder.runtime import collector
from builder.safetext import printable
from builder.site import pages as pages_module

DEFAULT_REGISTRY = Path("registry")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _registry_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--registry", type=Path, default=DEFAULT_REGISTRY, metavar="DIR", help="registry folder (default: ./registry)"
    )


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m builder", description="Build, check and export the AI Impact Registry.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    v = sub.add_parser("validate", help="check every registry file; exit 1 on any error")
    v.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="only report problems in these files (checked against the rest of the registry)",
    )
    _registry_arg(v)
    v.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    s = sub.add_parser("show", help="print a model with every derived metric, its method, inputs and range")
    s.add_argument("model_id", metavar="MODEL_ID")
    _registry_arg(s)
    s.add_argument("--json", action="store_true", help="print JSON: the entry and `derived`")
    e = sub.add_parser(
        "export", help="write every download (CSV, JSON, SQLite, Parquet, datapackage.json, SHA256SUMS) to a folder"
    )
    e.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder to write; replaced atomically, so it must be new, empty or an earlier export (which holds the "
        "marker "
        f"{exports.MARKER} this command writes)",
    )
    e.add_argument(
        "--gzip",
        action="store_true",
        help=f"write the bulkiest files gzip-compressed as the site publishes them ({', '.join(exports.SITE_GZIP)} "
        "as <name>.gz)",
    )
    _registry_arg(e)
    g = sub.add_parser(
        "pages", help="write the site's generated pages and data files to a folder (for another site generator)"
    )
    _registry_arg(g)
    g.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    i = sub.add_parser(
        "import",
        help="import upstream data (Epoch AI, grids, OSAI, MOF, CodeCarbon, Hugging Face cards) into the registry",
    )
    i.add_argument("kind", choices=importers.KINDS, help="what the files are")
    i.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="upstream files (a folder stands for the files in it)"
    )
    _registry_arg(i)
    i.add_argument("--dry-run", action="store_true", help="report what would change and write nothing")
    i.add_argument(
        "--force", action="store_true", help="take the imported value where it conflicts with what the registry says"
    )
    i.add_argument(
        "--model",
        metavar="ID",
        help="codecarbon, hf-card: the model the file is about (id, name, or Hugging Face org/name)",
    )
    i.add_argument(
        "--url", metavar="URL", help="codecarbon, hf-card: the public https address of the file, cited as the source"
    )
    i.add_argument("--verbose", action="store_true", help="also list the records left unchanged")
    c = sub.add_parser(
        "summary", help="Markdown summary of the registry entries changed since a git revision, with headline figures"
    )
    c.add_argument(
        "--since", required=True, metavar="REV", help="git revision to compare with (such as the pull request's base)"
    )
    _registry_arg(c)
    a = sub.add_parser(
        "audit", help="print every conflict between sources, both values, which won and why; exit 1 if one is undecided"
    )
    _registry_arg(a)
    a.add_argument("--json", action="store_true", help="print JSON: a list of conflicts")
    v2 = sub.add_parser(
        "coverage", help="Markdown table of what is disclosed, estimated or unknown for the largest training runs"
    )
    _registry_arg(v2)
    v2.add_argument(
        "--readme",
        type=Path,
        metavar="FILE",
        help=f"write the table into FILE between the lines {coverage.START} and {coverage.END} instead of printing it",
    )
    n = sub.add_parser("new", help="write a commented template for a new record")
    n.add_argument("kind", choices=sorted(FOLDER_OF))
    n.add_argument("record_id", metavar="ID")
    _registry_arg(n)
    n.add_argument("--name", help="the record's name")
    n.add_argument("--organization", help="organization id (models)")
    return top


def _check_registry_dir(path: Path) -> str | None:
    if not path.is_dir():
        return f"registry folder not found: {path}"
    return None


def _usage_error(command: str, message: str) -> int:
    print(printable(f"python -m builder {command}: error: {message}"), file=sys.stderr)
    return 2


def _load(args: argparse.Namespace) -> registry_module.Loaded | int:
    """The loaded registry, or an exit code after printing why it cannot be used."""
    if (message := _check_registry_dir(args.registry)) is not None:
        return _usage_error(args.command, message)
    with collector.paused():
        loaded = registry_module.load(args.registry)
    if loaded.errors and args.command != "validate":
        sys.stderr.write(as_text(loaded.problems, loaded.files))
    return loaded


def _valid_registry(args: argparse.Namespace) -> Registry | int:
    """The registry for commands that need a valid one, or the exit code (problems already printed)."""
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    return 1 if loaded.registry is None else loaded.registry


def cmd_validate(args: argparse.Namespace) -> int:
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    problems = loaded.problems
    if loaded.registry is not None:
        problems = registry_module.locate([*problems, *derived.warnings(derived.derive_all(loaded.registry))])
    files = loaded.files
    if args.paths:
        missing = [str(p) for p in args.paths if not p.is_file() and not p.is_symlink()]
        if missing:
            return _usage_error("validate", f"no such file: {', '.join(missing)}")
        wanted, unread = _wanted(args.paths, loaded, args.registry)
        problems, files = sorted([*(p for p in problems if p.path in wanted), *unread]), len(wanted) + len(unread)
    sys.stdout.write(FORMATS[args.format](problems, files))
    return 1 if any(p.is_error for p in problems) else 0


def _wanted(paths: Sequence[Path], loaded: registry_module.Loaded, root: Path) -> tuple[set[str], list[Problem]]:
    """The files asked for as validation shows them, and an error for each the loader never reads (so a check of only
    the changed files cannot pass a file in a subfolder, with another extension, or outside the registry). Links are
    not followed: a link in the registry is reported as one."""
    read = {os.path.abspath(p): registry_module.display_path(p) for p in loaded.stamps}
    wanted: set[str] = set()
    unread: list[Problem] = []
    for path in paths:
        shown = read.get(os.path.abspath(path))
        if shown is not None:
            wanted.add(shown)
            continue
        unread.append(
            Problem(
                str(path),
                1,
                1,
                "file-not-read",
                "the registry never reads this file: records are "
                f"<folder>/<id>.yaml directly in {', '.join(FOLDERS.values())}, with assumptions.yaml and "
                f"openness.yaml, all under {root}/",
                field_path="(file)",
            )
        )
    return wanted, unread


def cmd_new(args: argparse.Namespace) -> int:
    if not ID.match(args.record_id):
        return _usage_error("new", f"'{args.record_id}' is not a valid id: lowercase letters, digits, dots and hyphens")
    target = args.registry / FOLDER_OF[args.kind] / f"{args.record_id}.yaml"
    if target.exists():
        return _usage_error("new", f"{target} already exists: edit it instead")
    values = {"name": args.name or args.record_id}
    if args.organization:
        if args.kind != "model":
            return _usage_error("new", "--organization applies to models only")
        values["organization"] = args.organization
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:
        out.write(template(args.kind, args.record_id, values))
    print(f"wrote {target}: fill in the fields you have sources for, then run python -m builder validate {target}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    reg = _valid_registry(args)
    if isinstance(reg, int):
        return reg
    if args.model_id not in reg.models:
        return _usage_error(
            "show", f"no model '{args.model_id}' in {args.registry}/models{suggest(args.model_id, reg.models)}"
        )
    report = derived.report(reg.models[args.model_id], reg, derived.context(reg))
    if args.json:
        body = {
            "id": args.model_id,
            "model": report.model.data,
            "derived": report.derived_json(),
            "relations": relations(report.model, reg),
        }
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    else:
        sys.stdout.write(show_text(report, reg))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    reg = _valid_registry(args)
    if isinstance(reg, int):
        return reg
    version = exports.dataset_version(reg.root)
    files = exports.dataset_files(
        reg, derived.derive_all(reg), version, gzip_names=exports.SITE_GZIP if args.gzip else ()
    )
    try:
        exports.write_export(args.out, files)
    except exports.ExportError as exc:
        return _usage_error("export", str(exc))
    except OSError as exc:
        print(f"python -m builder export: cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {len(files)} files ({sum(map(len, files.values())):,} bytes) to {args.out}: dataset version {version}"
    )
    return 0


def cmd_pages(args: argparse.Namespace) -> int:
    reg = _valid_registry(args)
    if isinstance(reg, int):
        return reg
    count = pages_module.write(pages_module.generate(reg), args.out)
    print(f"wrote {count} files to {args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if (message := _check_registry_dir(args.registry)) is not None:
        return _usage_error("import", message)
    missing = [str(p) for p in args.files if not p.exists()]
    if missing:
        return _usage_error("import", f"no such file: {', '.join(missing)}")
    report = importers.run_import(
        args.kind,
        args.files,
        args.registry,
        dry_run=args.dry_run,
        force=args.force,
        progress=progress_printer(sys.stderr),
        model=args.model,
        url=args.url,
    )
    sys.stdout.write(report.as_text(verbose=args.verbose))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    reg = _valid_registry(args)
    if isinstance(reg, int):
        return reg
    try:
        paths = changes.changed_paths(args.registry, args.since)
    except changes.ChangesError as exc:
        return _usage_error("summary", str(exc))
    sys.stdout.write(changes.summary(changes.changes(paths, reg, derived.derive_all(reg)), args.since))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    reg = _valid_registry(args)
    if isinstance(reg, int):
        return reg
    found = audit.conflicts(reg)
    if args.json:
        sys.stdout.write(json.dumps([c.as_dict() for c in found], indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(audit.text(found))
    return 1 if any(not c.decided for c in found) else 0


def cmd_coverage(args: argparse.Namespace) -> int:
    reg = _valid_registry(args)
    if isinstance(reg, int):
        return reg
    table = coverage.markdown(coverage.top_rows(derived.Reports(reg)))
    table += "\n" + coverage.summary(coverage.counts(reg.models), len(reg.models))
    if args.readme is None:
        sys.stdout.write(table)
        return 0
    try:
        text = args.readme.read_text(encoding="utf-8")
        args.readme.write_text(coverage.replace_table(text, table), encoding="utf-8")
    except (OSError, ValueError) as exc:
        print(f"python -m builder coverage: error: {args.readme}: {exc}", file=sys.stderr)
        return 1
    return 0


COMMANDS = {
    "validate": cmd_validate,
    "audit": cmd_audit,
    "show": cmd_show,
    "new": cmd_new,
    "export": cmd_export,
    "pages": cmd_pages,
    "import": cmd_import,
    "summary": cmd_summary,
    "coverage": cmd_coverage,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return COMMANDS[args.command](args)
