"""Frames: the units of data and signalling that flow through a pipeline.

Import frame classes from :mod:`voxpipe.frames.frames`, the documented path.
The implementation is split by domain into private-ish modules (``audio``,
``text``, ``llm`` ...) that this package does not import eagerly, so importing
``voxpipe.frames`` alone costs nothing.
"""
