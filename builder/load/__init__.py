"""Loading and validation: strict YAML with positions, JSON Schema, cross-checks, the loader that returns a Registry."""
