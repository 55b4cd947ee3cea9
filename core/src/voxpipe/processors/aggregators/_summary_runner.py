"""Runs context summaries for the assistant aggregator: request, timeout, apply.

A request goes to the pipeline's LLM as an ``LLMContextSummaryRequestFrame``
pushed upstream, or — when ``summary_config.llm`` names a dedicated service —
to that service's ``run_inference`` on an owned task. A request unanswered
after ``summarization_timeout`` seconds (on the injectable clock) is abandoned
so later summaries can run.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from voxpipe.frames.frames import LLMContextSummaryRequestFrame, LLMContextSummaryResultFrame
from voxpipe.processors.aggregators.llm_context_summarizer import (
    LLMContextSummarizer,
    LLMContextSummaryConfig,
)
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.turns.timing import Timer, TurnClock

if TYPE_CHECKING:
    from voxpipe.processors.aggregators._context_aggregator import LLMContextAggregator
    from voxpipe.processors.aggregators.llm_response import LLMAssistantAggregatorParams

__all__ = ["SummaryRunner"]

logger = logging.getLogger("voxpipe")


class SummaryRunner:
    """See the module docstring."""

    def __init__(
        self,
        owner: LLMContextAggregator,
        params: LLMAssistantAggregatorParams,
        *,
        clock: TurnClock,
        on_applied: Callable[[Any, Any], Awaitable[None]],
    ) -> None:
        self._owner = owner
        self.summarizer = LLMContextSummarizer(
            params.auto_context_summarization_config,
            auto=params.enable_auto_context_summarization,
        )
        self._on_applied = on_applied
        self._timer = Timer(clock, self._timed_out, create_task=owner.create_task, name="summary-timeout")
        self._config: LLMContextSummaryConfig | None = None

    async def maybe_auto(self) -> None:
        """Start an automatic summary if the thresholds are crossed."""
        if self.summarizer.should_summarize(self._owner.context):
            await self.request(None)

    async def request(self, config: LLMContextSummaryConfig | None) -> None:
        """Summarize now (ignored while one is running)."""
        if self.summarizer.in_progress:
            logger.debug("%s: a summary is already running; request ignored", self._owner)
            return
        cfg = config or self.summarizer.config.summary_config
        frame = self.summarizer.build_request(self._owner.context, cfg)
        if frame is None:
            return
        self._config = cfg
        if cfg.summarization_timeout is not None:
            self._timer.start(cfg.summarization_timeout)
        if cfg.llm is not None:
            self._owner.create_task(self._run_dedicated(cfg, frame), "summary")
        else:
            await self._owner.push_frame(frame, FrameDirection.UPSTREAM)

    async def _run_dedicated(self, cfg: LLMContextSummaryConfig, frame: LLMContextSummaryRequestFrame) -> None:
        last = self.summarizer.planned_last_index
        context = self._owner.context.copy()
        context.set_messages(context.messages[: last + 1])
        context.add_message({"role": "user", "content": "Summarize the conversation above."})
        error = None
        summary = ""
        try:
            summary = await cfg.llm.run_inference(
                context, max_tokens=cfg.target_context_tokens, system_instruction=cfg.prompt
            ) or ""
        except Exception as exc:  # a dedicated LLM failing must not break the conversation
            error = str(exc)
        await self.apply(
            LLMContextSummaryResultFrame(
                request_id=frame.request_id, summary=summary, last_summarized_index=last, error=error
            )
        )

    async def apply(self, result: LLMContextSummaryResultFrame) -> None:
        """Fold a result into the context and fire the event."""
        if result.request_id == self._pending_id():
            self._timer.cancel()
        event = await self.summarizer.apply(self._owner.context, result, self._config)
        if event is not None:
            await self._on_applied(self.summarizer, event)

    def _pending_id(self) -> str | None:
        return self.summarizer._pending  # noqa: SLF001 - same package

    async def _timed_out(self) -> None:
        if self.summarizer.in_progress:
            logger.warning("%s: summary timed out; abandoned", self._owner)
            self.summarizer.abandon()

    def cancel(self) -> None:
        """Stop the timeout timer."""
        self._timer.cancel()
