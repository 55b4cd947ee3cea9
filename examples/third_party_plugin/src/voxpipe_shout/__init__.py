"""voxpipe-shout: an example third-party voxpipe plugin."""

__version__ = "0.1.0"
