"""Per-processor metrics collection."""
