"""voxpipe-smart-turn: the smart-turn v3 end-of-turn analyzer for voxpipe.

The analyzer lives at ``voxpipe.audio.turn.smart_turn.local_smart_turn_v3``;
this package holds the plugin hooks, the log-mel features, model resolution
and the ``voxpipe models pull smart-turn`` command.
"""

__version__ = "0.1.0"
