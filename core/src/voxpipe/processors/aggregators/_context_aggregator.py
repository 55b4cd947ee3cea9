"""``LLMContextAggregator``: what the user and assistant aggregators share.

Both own the same :class:`LLMContext` and both apply context-editing frames
when they reach them: ``LLMMessagesAppendFrame``, ``LLMMessagesUpdateFrame``
(``run_llm`` runs the LLM afterwards), ``LLMSetToolsFrame``,
``LLMSetToolChoiceFrame`` and ``LLMRunFrame``. These frames are consumed.
"""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    LLMContextFrame,
    LLMMessagesAppendFrame,
    LLMMessagesUpdateFrame,
    LLMRunFrame,
    LLMSetToolChoiceFrame,
    LLMSetToolsFrame,
)
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor

__all__ = ["LLMContextAggregator"]


class LLMContextAggregator(FrameProcessor):
    """Base of the context aggregators.

    Args:
        context: The shared conversation context.
        role: ``"user"`` or ``"assistant"``.
        **kwargs: Passed to :class:`FrameProcessor`.
    """

    #: Direction in which this aggregator sends ``LLMContextFrame`` to reach the LLM.
    _llm_direction = FrameDirection.DOWNSTREAM

    def __init__(self, *, context: LLMContext, role: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._context = context
        self._role = role

    @property
    def context(self) -> LLMContext:
        """The shared context."""
        return self._context

    @property
    def role(self) -> str:
        """The role this aggregator writes."""
        return self._role

    @property
    def messages(self) -> list[Any]:
        """The context messages (the live list)."""
        return self._context.messages

    def add_messages(self, messages: list[Any]) -> None:
        """Append messages to the context."""
        self._context.add_messages(messages)

    def set_messages(self, messages: list[Any]) -> None:
        """Replace the context messages."""
        self._context.set_messages(messages)

    def set_tools(self, tools: Any) -> None:
        """Replace the tools offered to the LLM."""
        self._context.set_tools(tools)

    def set_tool_choice(self, tool_choice: Any) -> None:
        """Set how the LLM picks tools."""
        self._context.set_tool_choice(tool_choice)

    async def push_context_frame(self, direction: FrameDirection | None = None) -> None:
        """Send the context to the LLM (downstream from the user side, upstream from the assistant side)."""
        await self.push_frame(LLMContextFrame(context=self._context), direction or self._llm_direction)

    async def _handle_context_frame(self, frame: Frame) -> bool:
        """Apply a context-editing frame; True when ``frame`` was one (and is consumed)."""
        if isinstance(frame, LLMMessagesAppendFrame):
            self._context.add_messages(frame.messages)
            if frame.run_llm:
                await self.push_context_frame()
        elif isinstance(frame, LLMMessagesUpdateFrame):
            self._context.set_messages(frame.messages)
            if frame.run_llm:
                await self.push_context_frame()
        elif isinstance(frame, LLMSetToolsFrame):
            self._context.set_tools(frame.tools)
        elif isinstance(frame, LLMSetToolChoiceFrame):
            self._context.set_tool_choice(frame.tool_choice)
        elif isinstance(frame, LLMRunFrame):
            await self.push_context_frame()
        else:
            return False
        return True
