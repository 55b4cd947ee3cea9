"""Provider adapters; namespace open to plugins (``<provider>_adapter`` modules)."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
