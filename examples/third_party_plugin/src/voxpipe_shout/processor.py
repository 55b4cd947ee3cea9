"""``ShoutProcessor``: upper-cases the text of ``TextFrame``s; everything else passes through."""

from __future__ import annotations

import dataclasses

from voxpipe.frames.frames import Frame, TextFrame
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor


class ShoutProcessor(FrameProcessor):
    """Upper-case bot text, e.g. between the LLM and the TTS."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Shout text frames; pass every frame on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, TextFrame) and direction is FrameDirection.DOWNSTREAM:
            frame = dataclasses.replace(frame, text=frame.text.upper())
        await self.push_frame(frame, direction)
