"""The records' vocabulary: typed, immutable records and the Registry type; no I/O."""
