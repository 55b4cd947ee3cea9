"""Context summarization: compress old messages so the context stays within limits.

The assistant aggregator owns an :class:`LLMContextSummarizer`. After each
committed assistant turn it asks :meth:`LLMContextSummarizer.should_summarize`
(automatic mode), and on an ``LLMSummarizeContextFrame`` it summarizes at once
(always available). A request keeps the leading system message(s) and the
last ``min_messages_after_summary`` messages, and asks the LLM (the pipeline's,
via ``LLMContextSummaryRequestFrame`` pushed upstream, or the dedicated
``summary_config.llm``) to summarize the rest. The result replaces the
summarized span with one message built from ``summary_message_template``;
messages added meanwhile are kept. One summary runs at a time; a request that
gets no answer within ``summarization_timeout`` is abandoned.

The config classes are documented at ``voxpipe.utils.context.llm_context_summarization``;
they live here until that module re-exports them.
"""

from __future__ import annotations

import itertools
import json
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

from voxpipe.frames.frames import LLMContextSummaryRequestFrame, LLMContextSummaryResultFrame
from voxpipe.processors.aggregators.llm_context import LLMContext, LLMSpecificMessage
from voxpipe.utils.base_object import BaseObject

__all__ = [
    "DEFAULT_SUMMARIZATION_PROMPT",
    "LLMAutoContextSummarizationConfig",
    "LLMContextSummarizationConfig",
    "LLMContextSummarizer",
    "LLMContextSummaryConfig",
    "SummaryAppliedEvent",
    "estimate_tokens",
]

logger = logging.getLogger("voxpipe")

DEFAULT_SUMMARIZATION_PROMPT = (
    "Summarize the conversation so far for your own later reference. Keep every fact, "
    "name, number, decision and open question; drop greetings and filler. Write plain "
    "prose in the third person, as short as the content allows."
)
_request_ids = itertools.count(1)


@dataclass
class LLMContextSummaryConfig:
    """How a summary is produced.

    Attributes:
        target_context_tokens: Token budget of the summary (sent as ``max_tokens``);
            clamped to 80 % of ``max_context_tokens`` in automatic mode.
        min_messages_after_summary: Recent messages kept verbatim.
        summarization_prompt: Instructions for the LLM; None uses the built-in prompt.
        summary_message_template: How the summary enters the context; must
            contain ``{summary}``.
        llm: A dedicated (cheaper) LLM service for summaries; None uses the pipeline's.
        summarization_timeout: Seconds to wait for a summary; None waits forever.

    Raises:
        ValueError: The template lacks ``{summary}`` or a number is negative.
    """

    target_context_tokens: int = 6000
    min_messages_after_summary: int = 4
    summarization_prompt: str | None = None
    summary_message_template: str = "Conversation summary: {summary}"
    llm: Any = None
    summarization_timeout: float | None = 120.0

    def __post_init__(self) -> None:
        if "{summary}" not in self.summary_message_template:
            raise ValueError("summary_message_template must contain {summary}")
        if self.target_context_tokens <= 0 or self.min_messages_after_summary < 0:
            raise ValueError("target_context_tokens must be > 0 and min_messages_after_summary >= 0")

    @property
    def prompt(self) -> str:
        """The summarization prompt in effect."""
        return self.summarization_prompt or DEFAULT_SUMMARIZATION_PROMPT


@dataclass
class LLMAutoContextSummarizationConfig:
    """When automatic summarization triggers.

    Attributes:
        max_context_tokens: Estimated tokens (characters / 4) that trigger a
            summary; None disables this trigger.
        max_unsummarized_messages: New messages since the last summary that
            trigger one; None disables this trigger.
        summary_config: How summaries are produced.

    Raises:
        ValueError: Both thresholds are None.
    """

    max_context_tokens: int | None = 8000
    max_unsummarized_messages: int | None = 20
    summary_config: LLMContextSummaryConfig = field(default_factory=LLMContextSummaryConfig)

    def __post_init__(self) -> None:
        if self.max_context_tokens is None and self.max_unsummarized_messages is None:
            raise ValueError("set max_context_tokens or max_unsummarized_messages (or both)")
        if self.max_context_tokens is not None:
            cap = int(self.max_context_tokens * 0.8)
            if self.summary_config.target_context_tokens > cap:
                self.summary_config.target_context_tokens = max(1, cap)


def LLMContextSummarizationConfig(  # noqa: N802 - deprecated class name kept callable
    *,
    max_context_tokens: int | None = 8000,
    target_context_tokens: int = 6000,
    max_unsummarized_messages: int | None = 20,
    min_messages_after_summary: int = 4,
    summarization_prompt: str | None = None,
    **kwargs: Any,
) -> LLMAutoContextSummarizationConfig:
    """Deprecated flat config (since 0.0.104); returns the equivalent new config and warns."""
    warnings.warn(
        "LLMContextSummarizationConfig is deprecated; use LLMAutoContextSummarizationConfig "
        "with summary_config=LLMContextSummaryConfig(...)",
        DeprecationWarning,
        stacklevel=2,
    )
    summary = LLMContextSummaryConfig(
        target_context_tokens=target_context_tokens,
        min_messages_after_summary=min_messages_after_summary,
        summarization_prompt=summarization_prompt,
        **kwargs,
    )
    return LLMAutoContextSummarizationConfig(
        max_context_tokens=max_context_tokens,
        max_unsummarized_messages=max_unsummarized_messages,
        summary_config=summary,
    )


@dataclass
class SummaryAppliedEvent:
    """What a successful summary did to the context.

    Attributes:
        original_message_count: Messages before.
        new_message_count: Messages after.
        summarized_message_count: Messages folded into the summary.
        preserved_message_count: Messages kept (system messages plus recent ones).
    """

    original_message_count: int
    new_message_count: int
    summarized_message_count: int
    preserved_message_count: int


def _text_of(message: Any) -> str:
    if isinstance(message, LLMSpecificMessage):
        return json.dumps(message.message, default=str)
    content = message.get("content")
    if isinstance(content, str):
        text = content
    elif content is None:
        text = ""
    else:
        text = json.dumps(content, default=str)
    if message.get("tool_calls"):
        text += json.dumps(message["tool_calls"], default=str)
    return text


def estimate_tokens(context: LLMContext) -> int:
    """Estimated tokens of ``context``: one per four characters of message content."""
    return sum(len(_text_of(m)) for m in context.messages) // 4


def _is_system(message: Any) -> bool:
    return isinstance(message, dict) and message.get("role") in ("system", "developer")


class LLMContextSummarizer(BaseObject):
    """Decides when to summarize, builds requests and applies results.

    Args:
        config: Automatic thresholds and summary settings.
        auto: Whether automatic summarization is on (on-demand always works).

    Events: ``on_summary_applied(summarizer, event: SummaryAppliedEvent)``.
    """

    def __init__(self, config: LLMAutoContextSummarizationConfig | None = None, *, auto: bool = False) -> None:
        super().__init__()
        self._config = config or LLMAutoContextSummarizationConfig()
        self._auto = auto
        self._pending: str | None = None
        self._planned_last = -1
        self._summarized_upto = 0  # messages (by count) already covered by a summary
        self._register_event_handler("on_summary_applied")

    @property
    def config(self) -> LLMAutoContextSummarizationConfig:
        """The configuration."""
        return self._config

    @property
    def planned_last_index(self) -> int:
        """Index of the last message the outstanding request covers (-1 when none)."""
        return self._planned_last if self._pending is not None else -1

    @property
    def in_progress(self) -> bool:
        """Whether a summary request is outstanding."""
        return self._pending is not None

    def should_summarize(self, context: LLMContext) -> bool:
        """Whether automatic mode wants a summary of ``context`` now."""
        if not self._auto or self._pending is not None:
            return False
        cfg = self._config
        if cfg.max_context_tokens is not None and estimate_tokens(context) > cfg.max_context_tokens:
            return True
        unsummarized = len(context.messages) - self._summarized_upto
        return cfg.max_unsummarized_messages is not None and unsummarized > cfg.max_unsummarized_messages

    def build_request(
        self, context: LLMContext, config: LLMContextSummaryConfig | None = None
    ) -> LLMContextSummaryRequestFrame | None:
        """A request summarizing the older part of ``context``, or None if there is nothing to fold.

        Marks the summarizer busy until :meth:`apply` or :meth:`abandon`.
        """
        if self._pending is not None:
            return None
        cfg = config or self._config.summary_config
        messages = context.messages
        first = 0
        while first < len(messages) and _is_system(messages[first]):
            first += 1
        last = len(messages) - cfg.min_messages_after_summary - 1
        # never separate a tool result from the call that produced it
        while last >= first and last + 1 < len(messages) and _role(messages[last + 1]) == "tool":
            last -= 1
        if last < first:
            return None
        self._pending = f"summary-{next(_request_ids)}"
        self._planned_last = last
        return LLMContextSummaryRequestFrame(
            request_id=self._pending,
            context=context,
            min_messages_to_keep=cfg.min_messages_after_summary,
            target_context_tokens=cfg.target_context_tokens,
            summarization_prompt=cfg.prompt,
            summarization_timeout=cfg.summarization_timeout,
        )

    def abandon(self) -> None:
        """Give up on the outstanding request (timeout or error); later ones may run."""
        self._pending = None

    async def apply(
        self,
        context: LLMContext,
        result: LLMContextSummaryResultFrame,
        config: LLMContextSummaryConfig | None = None,
    ) -> SummaryAppliedEvent | None:
        """Fold the summary into ``context``; fires ``on_summary_applied`` and returns the event.

        Results for another request id, with an error, or with an index out of
        range are ignored (None); the summarizer is free again either way when
        the id matches.
        """
        if result.request_id != self._pending:
            logger.debug("%s: ignoring summary for unknown request %s", self, result.request_id)
            return None
        self._pending = None
        if result.error:
            logger.warning("%s: summarization failed: %s", self, result.error)
            return None
        messages = list(context.messages)
        first = 0
        while first < len(messages) and _is_system(messages[first]):
            first += 1
        last = min(result.last_summarized_index, self._planned_last)
        if last < first or last >= len(messages) or not result.summary.strip():
            logger.warning("%s: summary result out of range (index %d); ignored", self, last)
            return None
        cfg = config or self._config.summary_config
        summary = {"role": "user", "content": cfg.summary_message_template.format(summary=result.summary)}
        kept = messages[last + 1 :]
        new = messages[:first] + [summary] + kept
        context.set_messages(new)
        self._summarized_upto = first + 1
        event = SummaryAppliedEvent(
            original_message_count=len(messages),
            new_message_count=len(new),
            summarized_message_count=last + 1 - first,
            preserved_message_count=first + len(kept),
        )
        await self._call_event_handler("on_summary_applied", event)
        return event


def _role(message: Any) -> str | None:
    return message.get("role") if isinstance(message, dict) else None
