"""Deprecated interruption strategies under their documented import path (see ``voxpipe.turns``)."""
