"""``LLMAssistantAggregator``: records what the bot actually said, once.

Sits after the output transport. Text frames that reach it have been played
(TTS services emit ``TTSTextFrame`` after the audio it names, and the output
transport passes frames on in order), so the aggregation is exactly what the
user heard. It is committed to the context — once — when:

* the response ends (``LLMFullResponseEndFrame``; or ``TTSStoppedFrame`` for
  speech outside an LLM response, e.g. ``TTSSpeakFrame``);
* the user interrupts (``InterruptionFrame``): only the part already spoken
  is committed, so an interrupted sentence is never replayed or remembered
  as said; the message is flagged ``interrupted``;
* a function call starts, or ``LLMAssistantPushAggregationFrame`` / ``EndFrame`` arrive.

Each commit fires ``on_assistant_turn_stopped(aggregator, message)``.
It also records function calls and results, thoughts (``on_assistant_thought``)
and drives context summarization (``on_summary_applied``). To run the LLM
again (after a function result, ``LLMRunFrame`` ...) it pushes an
``LLMContextFrame`` *upstream*, toward the LLM service.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    FunctionCallCancelFrame,
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    InterruptionFrame,
    LLMAssistantPushAggregationFrame,
    LLMContextSummaryResultFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMSummarizeContextFrame,
    LLMThoughtEndFrame,
    LLMThoughtStartFrame,
    LLMThoughtTextFrame,
    StartFrame,
    TextFrame,
    TTSStoppedFrame,
)
from voxpipe.processors.aggregators._context_aggregator import LLMContextAggregator
from voxpipe.processors.aggregators._summary_runner import SummaryRunner
from voxpipe.processors.aggregators.llm_context import LLMContext, LLMSpecificMessage
from voxpipe.processors.aggregators.llm_response import LLMAssistantAggregatorParams
from voxpipe.processors.aggregators.messages import (
    AssistantThoughtMessage,
    AssistantTurnStoppedMessage,
)
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.turns.timing import LoopClock

__all__ = ["LLMAssistantAggregator"]

logger = logging.getLogger("voxpipe")

_TURN_MARKERS = ("✓", "○", "◐")


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


class LLMAssistantAggregator(LLMContextAggregator):
    """See the module docstring.

    Args:
        context: The shared context.
        params: Summarization settings.
        **kwargs: Passed to :class:`FrameProcessor`.

    Events: ``on_assistant_turn_started(aggregator)``,
    ``on_assistant_turn_stopped(aggregator, message)``,
    ``on_assistant_thought(aggregator, message)``,
    ``on_summary_applied(aggregator, summarizer, event)``.
    """

    _llm_direction = FrameDirection.UPSTREAM

    def __init__(
        self, context: LLMContext, *, params: LLMAssistantAggregatorParams | None = None, **kwargs: Any
    ) -> None:
        super().__init__(context=context, role="assistant", **kwargs)
        self._params = params or LLMAssistantAggregatorParams()
        self._parts: list[str] = []
        self._turn_open = False
        self._turn_started_at = ""
        self._responses = 0
        self._thought: list[str] | None = None
        self._thought_start: LLMThoughtStartFrame | None = None
        self._thought_at = ""
        self._calls: set[str] = set()
        for event in (
            "on_assistant_turn_started",
            "on_assistant_turn_stopped",
            "on_assistant_thought",
            "on_summary_applied",
        ):
            self._register_event_handler(event)
        self._summary = SummaryRunner(
            self,
            self._params,
            clock=self._params.clock or LoopClock(),
            on_applied=self._summary_applied,
        )

    @property
    def _summarizer(self) -> Any:
        """The :class:`LLMContextSummarizer` (documented as reachable under this name)."""
        return self._summary.summarizer

    @property
    def aggregation(self) -> str:
        """The spoken text not yet committed."""
        return "".join(self._parts).strip()

    @property
    def has_function_calls_in_progress(self) -> bool:
        """Whether function calls are running."""
        return bool(self._calls)

    # -- frames ----------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Aggregate, commit and record; see the module docstring."""
        await super().process_frame(frame, direction)
        if isinstance(frame, InterruptionFrame):
            await self._commit(interrupted=True)
            self._responses = 0
            self._thought = None
            await self.push_frame(frame, direction)
        elif isinstance(frame, (StartFrame, CancelFrame)):
            if isinstance(frame, CancelFrame):
                self._summary.cancel()
            await self.push_frame(frame, direction)
        elif isinstance(frame, EndFrame):
            await self._commit()
            self._summary.cancel()
            await self.push_frame(frame, direction)
        elif await self._handle_context_frame(frame):
            pass
        elif isinstance(frame, LLMFullResponseStartFrame):
            self._responses += 1
            await self._open_turn()
            await self.push_frame(frame, direction)
        elif isinstance(frame, LLMFullResponseEndFrame):
            self._responses = max(0, self._responses - 1)
            if not self._responses:
                await self._commit()
            await self.push_frame(frame, direction)
        elif isinstance(frame, TTSStoppedFrame):
            if not self._responses:
                await self._commit()
            await self.push_frame(frame, direction)
        elif isinstance(frame, LLMThoughtStartFrame):
            self._thought, self._thought_start, self._thought_at = [], frame, _now_iso()
        elif isinstance(frame, LLMThoughtTextFrame):
            if self._thought is not None:
                self._thought.append(frame.text)
        elif isinstance(frame, LLMThoughtEndFrame):
            await self._end_thought(frame)
        elif isinstance(frame, TextFrame):
            if frame.append_to_context and frame.text:
                await self._open_turn()
                self._append(frame)
            await self.push_frame(frame, direction)
        elif isinstance(frame, FunctionCallInProgressFrame):
            await self._commit()
            self._function_call_started(frame)
            await self.push_frame(frame, direction)
        elif isinstance(frame, FunctionCallResultFrame):
            await self._function_call_result(frame)
        elif isinstance(frame, FunctionCallCancelFrame):
            self._set_tool_result(frame.tool_call_id, "CANCELLED")
            self._calls.discard(frame.tool_call_id)
            await self.push_frame(frame, direction)
        elif isinstance(frame, LLMAssistantPushAggregationFrame):
            await self._commit()
        elif isinstance(frame, LLMSummarizeContextFrame):
            await self._summary.request(frame.config)
        elif isinstance(frame, LLMContextSummaryResultFrame):
            await self._summary.apply(frame)
        else:
            await self.push_frame(frame, direction)

    def _append(self, frame: TextFrame) -> None:
        text = frame.text
        if not frame.includes_inter_frame_spaces and self._parts:
            last = self._parts[-1]
            if last and not last[-1].isspace() and not text[:1].isspace():
                text = " " + text
        self._parts.append(text)

    async def _open_turn(self) -> None:
        if not self._turn_open:
            self._turn_open = True
            self._turn_started_at = _now_iso()
            await self._call_event_handler("on_assistant_turn_started")

    async def _commit(self, *, interrupted: bool = False) -> None:
        """Write the spoken text to the context (once) and fire ``on_assistant_turn_stopped``."""
        text = "".join(self._parts).strip()
        self._parts.clear()
        if not self._turn_open and not text:
            return
        self._turn_open = False
        for marker in _TURN_MARKERS:
            if text.startswith(marker):
                text = text[len(marker) :].lstrip()
                break
        if text:
            self._context.add_message({"role": "assistant", "content": text})
        message = AssistantTurnStoppedMessage(
            content=text, timestamp=self._turn_started_at or _now_iso(), interrupted=interrupted
        )
        await self._call_event_handler("on_assistant_turn_stopped", message)
        if text:
            await self._summary.maybe_auto()

    async def _end_thought(self, frame: LLMThoughtEndFrame) -> None:
        if self._thought is None:
            return
        text = "".join(self._thought)
        start = self._thought_start
        self._thought, self._thought_start = None, None
        if start is not None and start.append_to_context and start.llm:
            self._context.add_message(
                LLMSpecificMessage(
                    llm=start.llm, message={"type": "thought", "text": text, "signature": frame.signature}
                )
            )
        await self._call_event_handler(
            "on_assistant_thought", AssistantThoughtMessage(content=text, timestamp=self._thought_at)
        )

    # -- function calls ------------------------------------------------------------------------

    def _function_call_started(self, frame: FunctionCallInProgressFrame) -> None:
        self._calls.add(frame.tool_call_id)
        arguments = frame.arguments if isinstance(frame.arguments, str) else json.dumps(frame.arguments or {})
        self._context.add_message(
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": frame.tool_call_id,
                        "type": "function",
                        "function": {"name": frame.function_name, "arguments": arguments},
                    }
                ],
            }
        )
        self._context.add_message({"role": "tool", "tool_call_id": frame.tool_call_id, "content": "IN_PROGRESS"})

    def _set_tool_result(self, tool_call_id: str, content: str) -> bool:
        for message in reversed(self._context.messages):
            if isinstance(message, dict) and message.get("role") == "tool" and message.get("tool_call_id") == tool_call_id:
                message["content"] = content
                return True
        return False

    async def _function_call_result(self, frame: FunctionCallResultFrame) -> None:
        result = frame.result
        content = result if isinstance(result, str) else json.dumps(result, default=str)
        if not self._set_tool_result(frame.tool_call_id, content):
            self._function_call_started(
                FunctionCallInProgressFrame(frame.function_name, frame.tool_call_id, frame.arguments)
            )
            self._set_tool_result(frame.tool_call_id, content)
        self._calls.discard(frame.tool_call_id)
        props = frame.properties
        run_llm = frame.run_llm
        if run_llm is None and props is not None:
            run_llm = props.run_llm
        if run_llm is None:
            run_llm = not self._calls
        if run_llm:
            await self.push_context_frame()
        if props is not None and props.on_context_updated is not None:
            await props.on_context_updated()

    async def _summary_applied(self, summarizer: Any, event: Any) -> None:
        await self._call_event_handler("on_summary_applied", summarizer, event)
