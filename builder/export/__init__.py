"""The downloads: one module per format, and the bundle that writes them all with checksums, atomically."""
