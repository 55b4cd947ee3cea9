"""Audio utilities: resampling, mixing, G.711 codecs, and the filter/mixer/VAD interfaces.

Plugin distributions add modules below this package (``voxpipe.audio.vad.<name>``,
``voxpipe.audio.filters.<name>`` ...), so it is a ``pkgutil`` namespace.
"""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
