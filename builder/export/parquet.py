"""A table as Parquet with declared column types and descriptions, for pandas, Polars, R arrow and DuckDB."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from builder.export.tables import Table

ARROW_TYPES = {
    "string": pa.string(),
    "number": pa.float64(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def _cell(value: Any, kind: str) -> Any:
    """A cell as Arrow takes it: numbers as floats, dates (YYYY-MM-DD) as dates."""
    if value is None:
        return None
    if kind == "number":
        return float(value)
    return date.fromisoformat(value) if kind == "date" else value


def arrow_table(table: Table, metadata: Mapping[str, str]) -> pa.Table:
    """Typed columns (unknown is null), each with its description as field metadata, the dataset metadata on the
    schema."""
    fields = [
        pa.field(c.name, ARROW_TYPES[c.type], nullable=True, metadata={"description": c.description})
        for c in table.columns
    ]
    schema = pa.schema(fields, metadata=dict(sorted(metadata.items())))
    columns = list(zip(*table.rows, strict=True)) if table.rows else [() for _ in table.columns]
    arrays = [
        pa.array([_cell(v, c.type) for v in values], type=ARROW_TYPES[c.type])
        for values, c in zip(columns, table.columns, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def parquet_bytes(table: Table, metadata: Mapping[str, str]) -> bytes:
    """Parquet bytes; pyarrow writes no timestamps, so the same table and pyarrow version give the same bytes."""
    sink = pa.BufferOutputStream()
    pq.write_table(arrow_table(table, metadata), sink, compression="zstd", write_statistics=True)
    return bytes(sink.getvalue().to_pybytes())
