"""User turn management: start, stop and mute strategies and the controllers that run them.

Namespace open to plugins (``voxpipe.turns.<name>``). See ``docs/conversation.md``.
"""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
