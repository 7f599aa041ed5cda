"""A table as Parquet with declared column types and descriptions, for pandas, Polars, R arrow and DuckDB."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from builder.export_tables import Table

ARROW_TYPES = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64(), "boolean": pa.bool_()}


def arrow_table(table: Table, metadata: Mapping[str, str]) -> pa.Table:
    """Typed columns (unknown is null), each with its description as field metadata, the dataset metadata on the schema."""
    fields = [pa.field(c.name, ARROW_TYPES[c.type], nullable=True, metadata={"description": c.description}) for c in table.columns]
    schema = pa.schema(fields, metadata=dict(sorted(metadata.items())))
    columns = list(zip(*table.rows, strict=True)) if table.rows else [() for _ in table.columns]
    arrays = [pa.array([None if v is None else (float(v) if c.type == "number" else v) for v in values], type=ARROW_TYPES[c.type])
              for values, c in zip(columns, table.columns, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def parquet_bytes(table: Table, metadata: Mapping[str, str]) -> bytes:
    """Parquet bytes; pyarrow writes no timestamps, so the same table and pyarrow version give the same bytes."""
    sink = pa.BufferOutputStream()
    pq.write_table(arrow_table(table, metadata), sink, compression="zstd", write_statistics=True)
    return bytes(sink.getvalue().to_pybytes())
