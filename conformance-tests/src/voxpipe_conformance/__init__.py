"""voxpipe-conformance: the contract suite every voxpipe plugin runs."""

__version__ = "0.1.0"
