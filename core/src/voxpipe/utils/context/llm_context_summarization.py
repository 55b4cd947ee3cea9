"""Context-summarization configuration under its documented import path."""

from voxpipe.processors.aggregators.llm_context_summarizer import (
    DEFAULT_SUMMARIZATION_PROMPT,
    LLMAutoContextSummarizationConfig,
    LLMContextSummarizationConfig,
    LLMContextSummaryConfig,
)

__all__ = [
    "DEFAULT_SUMMARIZATION_PROMPT",
    "LLMAutoContextSummarizationConfig",
    "LLMContextSummarizationConfig",
    "LLMContextSummaryConfig",
]
