"""The records' vocabulary: typed, immutable records, the Registry type and the catalogue of metrics; no I/O."""
