"""``FrameFilter``: pass only frames of the given types (plus system and end frames)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.processors.filters._passthrough import PROTECTED_FRAMES
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["FrameFilter"]


class FrameFilter(FrameProcessor):
    """Forwards frames that are instances of ``types``; drops every other frame.

    ``SystemFrame`` instances and the end frames (``EndFrame``, ``StopFrame``)
    always pass, in both directions, so the pipeline can still start, be
    interrupted and finish behind the filter. Subclasses of a listed type pass.

    Args:
        types: Frame classes to let through.
        **kwargs: Passed to :class:`FrameProcessor`.

    Example::

        text_and_audio = FrameFilter(types=(TextFrame, AudioRawFrame))
    """

    def __init__(self, types: Iterable[type[Frame]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._types: tuple[type[Frame], ...] = tuple(types)
        self._decisions: dict[type, bool] = {}

    @property
    def types(self) -> tuple[type[Frame], ...]:
        """The frame classes this filter lets through."""
        return self._types

    def _passes(self, frame: Frame) -> bool:
        cls = type(frame)
        decision = self._decisions.get(cls)
        if decision is None:
            decision = issubclass(cls, self._types) or issubclass(cls, PROTECTED_FRAMES)
            self._decisions[cls] = decision
        return decision

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Forward ``frame`` if its type is allowed; otherwise drop it."""
        await super().process_frame(frame, direction)
        if self._passes(frame):
            await self.push_frame(frame, direction)
