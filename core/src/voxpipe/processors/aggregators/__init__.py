"""LLM context and the context aggregators; namespace open to plugins."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
