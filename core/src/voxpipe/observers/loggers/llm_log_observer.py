"""``LLMLogObserver``: one log line per LLM event, to read a conversation's LLM side at a glance.

Only frames leaving an LLM service (response start/end, generated text,
function calls) or reaching one (messages, context, function results) are
logged, each once, on the stdlib ``voxpipe`` logger::

    🧠 OpenAILLMService#0 → LLM START RESPONSE at 1.20s
    🧠 OpenAILLMService#0 → LLM GENERATING: 'Hello' at 1.31s
    🧠 OpenAILLMService#0 → LLM FUNCTION CALL: get_weather({'city': 'Paris'}) at 1.40s
    🧠 → OpenAILLMService#0 LLM CONTEXT FRAME: [{'role': 'user', ...}] at 0.95s

Times are the task clock's, in seconds since the pipeline started.
"""

from __future__ import annotations

import logging
from typing import Any

from voxpipe.frames.frames import (
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    LLMContextFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMMessagesFrame,
    LLMTextFrame,
)
from voxpipe.observers._util import FrameHistory, is_kind
from voxpipe.observers.base_observer import BaseObserver, FramePushed

__all__ = ["LLMLogObserver"]

logger = logging.getLogger("voxpipe")

_FROM_LLM = (LLMFullResponseStartFrame, LLMFullResponseEndFrame, LLMTextFrame, FunctionCallInProgressFrame)
_TO_LLM = (LLMMessagesFrame, LLMContextFrame, FunctionCallResultFrame)


def _context_messages(context: Any) -> Any:
    get = getattr(context, "get_messages", None)
    return get() if callable(get) else context


class LLMLogObserver(BaseObserver):
    """Logs LLM activity (see the module docstring).

    Args:
        log_level: The ``logging`` level of the lines (``INFO`` by default).
        max_frames: How many frames to remember so each is logged once.
        **kwargs: Passed to :class:`BaseObserver`.
    """

    def __init__(self, *, log_level: int = logging.INFO, max_frames: int = 100, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._level = log_level
        self._history = FrameHistory(max_frames)

    async def on_push_frame(self, data: FramePushed) -> None:
        """Log ``data.frame`` if it is an LLM event."""
        frame = data.frame
        if isinstance(frame, _FROM_LLM) and is_kind(data.source, "LLMService"):
            if self._history.seen(frame):
                return
            src = data.source
            if isinstance(frame, LLMFullResponseStartFrame):
                line = f"🧠 {src} → LLM START RESPONSE"
            elif isinstance(frame, LLMFullResponseEndFrame):
                line = f"🧠 {src} → LLM END RESPONSE"
            elif isinstance(frame, LLMTextFrame):
                line = f"🧠 {src} → LLM GENERATING: {frame.text!r}"
            else:
                line = f"🧠 {src} → LLM FUNCTION CALL: {frame.function_name}({frame.arguments!r})"
        elif isinstance(frame, _TO_LLM) and is_kind(data.destination, "LLMService"):
            if self._history.seen(frame):
                return
            dst = data.destination
            if isinstance(frame, LLMMessagesFrame):
                line = f"🧠 → {dst} LLM MESSAGES FRAME: {frame.messages!r}"
            elif isinstance(frame, LLMContextFrame):
                line = f"🧠 → {dst} LLM CONTEXT FRAME: {_context_messages(frame.context)!r}"
            else:
                line = f"🧠 → {dst} LLM FUNCTION CALL RESULT: {frame.function_name}: {frame.result!r}"
        else:
            return
        logger.log(self._level, "%s at %.2fs", line, data.timestamp / 1e9)
