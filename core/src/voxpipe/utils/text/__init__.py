"""Streaming text utilities: aggregators (text in, sentences out) and filters."""
