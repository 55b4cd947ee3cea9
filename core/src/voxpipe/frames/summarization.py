"""Context summarization frames: compress the conversation to stay within limits.

A user pushes :class:`LLMSummarizeContextFrame`; the assistant aggregator
answers it (or its own automatic trigger) with an
:class:`LLMContextSummaryRequestFrame` to the LLM service, which replies with an
uninterruptible :class:`LLMContextSummaryResultFrame`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from voxpipe.frames._base import ControlFrame, UninterruptibleFrame

if TYPE_CHECKING:
    from voxpipe.processors.aggregators.llm_context import LLMContext
    from voxpipe.utils.context.llm_context_summarization import LLMContextSummaryConfig

__all__ = [
    "LLMContextSummaryRequestFrame",
    "LLMContextSummaryResultFrame",
    "LLMSummarizeContextFrame",
]


@dataclass
class LLMSummarizeContextFrame(ControlFrame):
    """Ask for the conversation context to be summarized now.

    Attributes:
        config: Settings for this summary; None uses the summarizer's defaults.
    """

    config: LLMContextSummaryConfig | None = None


@dataclass
class LLMContextSummaryRequestFrame(ControlFrame):
    """The aggregator's request to the LLM service for a summary (internal).

    Attributes:
        request_id: Identifier the result will carry back.
        context: The context to summarize.
        min_messages_to_keep: Recent messages kept verbatim after summarizing.
        target_context_tokens: Token budget for the summary.
        summarization_prompt: Instructions telling the LLM how to summarize.
        summarization_timeout: Seconds allowed for the summary; None uses the
            service default.
    """

    request_id: str
    context: LLMContext
    min_messages_to_keep: int
    target_context_tokens: int
    summarization_prompt: str
    summarization_timeout: float | None = None


@dataclass
class LLMContextSummaryResultFrame(ControlFrame, UninterruptibleFrame):
    """The LLM service's summary, sent back to the aggregator; never dropped.

    Attributes:
        request_id: The identifier of the request this answers.
        summary: The summary text.
        last_summarized_index: Index of the last message the summary covers.
        error: Why summarization failed, or None on success.
    """

    request_id: str
    summary: str
    last_summarized_index: int
    error: str | None = None
