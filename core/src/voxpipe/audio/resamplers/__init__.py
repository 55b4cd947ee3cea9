"""Audio resamplers: the :class:`BaseAudioResampler` interface and the soxr implementations."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
