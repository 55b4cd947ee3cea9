"""``IdentityFilter``: a processor that forwards every frame unchanged."""

from __future__ import annotations

from voxpipe.frames._base import Frame
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["IdentityFilter"]


class IdentityFilter(FrameProcessor):
    """Forwards every frame, in both directions, without changing it.

    Useful as a placeholder, as a base for conditional filters, and to check
    that a ``ParallelPipeline`` does not duplicate frames. Takes only the
    :class:`FrameProcessor` keyword arguments.
    """

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Forward ``frame`` the way it was going."""
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
