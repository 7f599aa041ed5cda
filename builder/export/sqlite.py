"""The tables as one SQLite database with keys and foreign keys, built in memory so the bytes depend only on the
data."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from builder.export.tables import Table

SQL_TYPES = {
    "string": "TEXT",
    "number": "REAL",
    "integer": "INTEGER",
    "boolean": "INTEGER",
    "date": "TEXT",
}  # dates as ISO text
PAGE_SIZE = 4096


def _null(value: None) -> None:
    return None


# Unknown cells bind as NULL and booleans as 0/1 either way; but Python 3.11's sqlite3 binds a value of any other type
# than int, float, str and bytearray only after looking for an adapter, and without one it raises and clears an
# AttributeError for each, and more than a fifth of the cells are unknown. With these, it finds one at once.
sqlite3.register_adapter(type(None), _null)
sqlite3.register_adapter(bool, int)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_statement(table: Table) -> str:
    """CREATE TABLE with declared types, NOT NULL key columns, the primary key and every foreign key."""
    lines = []
    for c in table.columns:
        check = f" CHECK ({quote(c.name)} IN (0, 1))" if c.type == "boolean" else ""
        required = " NOT NULL" if c.name in table.primary_key else ""
        lines.append(f"  {quote(c.name)} {SQL_TYPES[c.type]}{required}{check}")
    lines.append(f"  PRIMARY KEY ({', '.join(map(quote, table.primary_key))})")
    for fk in table.foreign_keys:
        lines.append(
            f"  FOREIGN KEY ({', '.join(map(quote, fk.fields))}) REFERENCES {quote(fk.resource)} "
            f"({', '.join(map(quote, fk.reference))})"
        )
    return f"CREATE TABLE {quote(table.name)} (\n" + ",\n".join(lines) + "\n)"


def sqlite_bytes(tables: Sequence[Table], metadata: Mapping[str, str]) -> bytes:
    """A database image: one table per export table, `_metadata` (dataset version, licence) and `_columns` (what each
    column means)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = OFF")  # built in memory and thrown away on failure: nothing to roll back to
        with conn:
            conn.execute('CREATE TABLE "_metadata" ("key" TEXT PRIMARY KEY, "value" TEXT NOT NULL)')
            conn.executemany('INSERT INTO "_metadata" VALUES (?, ?)', sorted(metadata.items()))
            conn.execute(
                'CREATE TABLE "_columns" ("table_name" TEXT NOT NULL, "column_name" TEXT NOT NULL, "type" TEXT NOT '
                "NULL, "
                '"description" TEXT NOT NULL, PRIMARY KEY ("table_name", "column_name"))'
            )
            for table in tables:
                conn.execute(create_statement(table))
                conn.executemany(
                    'INSERT INTO "_columns" VALUES (?, ?, ?, ?)',
                    [(table.name, c.name, c.type, c.description) for c in table.columns],
                )
                marks = ", ".join("?" for _ in table.columns)
                # booleans bind as 0/1 and REAL columns store integers as floats: rows go in as they are
                conn.executemany(f"INSERT INTO {quote(table.name)} VALUES ({marks})", table.rows)
        problems = conn.execute(
            "PRAGMA foreign_key_check"
        ).fetchall()  # every key at once, cheaper than checking each insert
        if problems:
            raise ValueError(f"foreign keys broken in the SQLite export: {problems[:5]}")
        return conn.serialize()
    finally:
        conn.close()
