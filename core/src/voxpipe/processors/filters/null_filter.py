"""``NullFilter``: block every frame except the ones a pipeline needs to run."""

from __future__ import annotations

from voxpipe.frames._base import Frame
from voxpipe.processors.filters._passthrough import is_protected
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["NullFilter"]


class NullFilter(FrameProcessor):
    """Drops every frame in both directions except system frames and end frames.

    ``SystemFrame`` instances (``StartFrame``, ``CancelFrame``, interruptions,
    errors, ...) and the end frames (``EndFrame``, ``StopFrame``) pass so the
    pipeline can still start and finish; data and other control frames are
    dropped. Takes only the :class:`FrameProcessor` keyword arguments.
    """

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Forward ``frame`` only if it is a system or end frame."""
        await super().process_frame(frame, direction)
        if is_protected(frame):
            await self.push_frame(frame, direction)
