"""voxpipe-piper: plugin hooks and the Piper HTTP server emulator.

The services live at the documented paths, ``voxpipe.services.piper.PiperTTSService``
and ``PiperHttpTTSService`` (module ``voxpipe.services.piper.tts``).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
