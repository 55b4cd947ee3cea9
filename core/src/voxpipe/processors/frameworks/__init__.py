"""Protocol frameworks (RTVI in the kernel); namespace open to plugins."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
