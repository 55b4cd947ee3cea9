"""voxpipe plugin entry point of the conformance package."""
