"""Voice activity detection: the analyzer interface; plugins add ``voxpipe.audio.vad.<name>``."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
