"""Context helpers under their documented import paths."""
