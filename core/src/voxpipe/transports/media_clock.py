"""``MediaClock``: the pacing clock of output transports, public for transport plugins and tests."""

from voxpipe.transports._media_clock import MediaClock

__all__ = ["MediaClock"]
