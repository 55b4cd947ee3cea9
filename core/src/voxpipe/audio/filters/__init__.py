"""Audio input filters (noise suppression ...); plugins add ``voxpipe.audio.filters.<name>``."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
