"""voxpipe: real-time voice and multimodal AI agents.

A small kernel — frames, processors, pipelines, tasks — with providers,
transports and serializers published as separate plugin distributions that
add their modules to this namespace (``voxpipe.services.<vendor>`` ...).
"""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)

__version__ = "0.1.0"
