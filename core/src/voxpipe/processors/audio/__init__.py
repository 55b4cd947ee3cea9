"""Audio processors: :class:`~voxpipe.processors.audio.audio_buffer_processor.AudioBufferProcessor` ..."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
