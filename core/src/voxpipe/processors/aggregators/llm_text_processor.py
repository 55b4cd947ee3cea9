"""``LLMTextProcessor`` under its documented import path."""

from voxpipe.processors.frame.llm_text_processor import LLMTextProcessor

__all__ = ["LLMTextProcessor"]
