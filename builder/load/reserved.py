"""Names the site, the static API and the downloads use inside each collection's folder: no record may take one as
its id."""

from __future__ import annotations

from builder.problems import Problem

# Each collection's pages live in <folder>/<id>.md with the record's YAML in <folder>/<id>/, and its API files in
# api/<folder>/<id>.json. Beside them the site writes, per folder: index.md (the collection's index page) and
# api/<folder>/index.json (its API listing); models/ also holds list.md (the index without JavaScript) and rows.json
# (the index's rows). A record named after one would replace that file, or clash with it as a folder.
COMMON = frozenset({"index"})
RESERVED: dict[str, frozenset[str]] = {
    "models": COMMON | {"list", "rows.json"},
    "hardware": COMMON,
    "grids": COMMON,
    "organizations": COMMON,
    "claims": COMMON,
}


def check_reserved(path: str, stem: str, folder: str) -> list[Problem]:
    """A record whose id is a name the site or the API already uses in its collection's folder."""
    names = RESERVED.get(folder, COMMON)
    if stem not in names:
        return []
    taken = ", ".join(sorted(names))
    return [
        Problem(
            path,
            1,
            1,
            "id-reserved",
            f"the id '{stem}' is reserved: the site and the API use it in {folder}/ "
            f"(reserved there: {taken}); choose another id and rename the file",
            field_path="(file)",
        )
    ]
