"""voxpipe-webrtc: the distribution behind ``voxpipe.transports.smallwebrtc``.

This package holds only the plugin hooks (:mod:`voxpipe_webrtc.plugin`); the
transport lives at its documented path, ``voxpipe.transports.smallwebrtc``.
"""

__version__ = "0.1.0"
