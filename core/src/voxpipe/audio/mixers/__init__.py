"""Audio output mixers; plugins add ``voxpipe.audio.mixers.<name>`` (e.g. ``soundfile_mixer``)."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
