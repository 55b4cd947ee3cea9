"""Turn analysis: the analyzer interface; plugins add ``voxpipe.audio.turn.<name>``."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
