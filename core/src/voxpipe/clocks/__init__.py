"""Clocks that give a pipeline task its notion of time."""
