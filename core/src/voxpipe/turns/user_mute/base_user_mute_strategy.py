"""``BaseUserMuteStrategy``: should user input be dropped right now?

The user aggregator asks every strategy, after handling each frame, whether
the user is muted; strategies combine with OR. A frame is judged with the
state from *before* it, so a strategy's new state applies from the next frame.
"""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.utils.base_object import BaseObject

__all__ = ["BaseUserMuteStrategy"]


class BaseUserMuteStrategy(BaseObject):
    """Base of mute strategies: override :meth:`process_frame`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    async def reset(self) -> None:
        """Forget state (a new session)."""

    async def process_frame(self, frame: Frame) -> bool:
        """Observe ``frame``; return whether user input is muted from now on."""
        return False
