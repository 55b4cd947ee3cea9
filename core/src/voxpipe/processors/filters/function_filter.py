"""``FunctionFilter``: let an async predicate decide which frames pass."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.processors.filters._passthrough import is_lifecycle, is_protected
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["FilterFunction", "FunctionFilter"]

#: An async predicate: return True to let the frame through.
FilterFunction = Callable[[Frame], Awaitable[bool]]


class FunctionFilter(FrameProcessor):
    """Forwards a frame when ``await filter(frame)`` returns True.

    Only frames travelling in ``direction`` are checked; frames going the other
    way always pass. System frames and end frames (``EndFrame``, ``StopFrame``)
    always pass too, unless ``filter_system_frames`` is True, in which case
    system frames are checked like any other frame — except the lifecycle
    frames (``StartFrame``, ``EndFrame``, ``StopFrame``, ``CancelFrame``), which
    no filter may drop.

    Args:
        filter: Async predicate deciding whether a frame passes.
        direction: The direction whose frames are filtered.
        filter_system_frames: Also run system frames through ``filter``.
        **kwargs: Passed to :class:`FrameProcessor`.

    Example::

        async def long_text(frame: Frame) -> bool:
            return isinstance(frame, TextFrame) and len(frame.text) > 10

        only_long_text = FunctionFilter(filter=long_text)
    """

    def __init__(
        self,
        filter: FilterFunction,
        direction: FrameDirection = FrameDirection.DOWNSTREAM,
        filter_system_frames: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._filter = filter
        self._direction = direction
        self._filter_system_frames = filter_system_frames

    def _bypasses(self, frame: Frame, direction: FrameDirection) -> bool:
        if direction is not self._direction:
            return True
        if self._filter_system_frames:
            return is_lifecycle(frame)
        return is_protected(frame)

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Forward ``frame`` if it bypasses the check or the predicate accepts it."""
        await super().process_frame(frame, direction)
        if self._bypasses(frame, direction) or await self._filter(frame):
            await self.push_frame(frame, direction)
