"""``OpenAILLMAdapter``: the universal context in OpenAI Chat Completions form.

The universal message format *is* OpenAI's, so messages pass through (minus
other providers' ``LLMSpecificMessage`` entries); tools become
``{"type": "function", "function": {...}}`` entries. Many providers speak this
dialect (Groq, Together, Ollama, vLLM ...), so it is the default adapter of
``LLMService``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from voxpipe.adapters.base_llm_adapter import BaseLLMAdapter
from voxpipe.adapters.schemas.tools_schema import AdapterType
from voxpipe.processors.aggregators.llm_context import LLMSpecificMessage
from voxpipe.services.settings import NOT_GIVEN

if TYPE_CHECKING:
    from voxpipe.adapters.schemas.tools_schema import ToolsSchema
    from voxpipe.processors.aggregators.llm_context import LLMContext

__all__ = ["OpenAILLMAdapter"]


class OpenAILLMAdapter(BaseLLMAdapter):
    """Adapter for OpenAI-compatible Chat Completions APIs."""

    id_for_llm_specific_messages: ClassVar[str] = AdapterType.OPENAI.value

    def to_provider_tools_format(self, tools_schema: ToolsSchema) -> list[dict[str, Any]]:
        """Standard tools as ``{"type": "function", ...}``, then the OpenAI custom tools."""
        tools: list[dict[str, Any]] = [
            {"type": "function", "function": fn.to_default_dict()}
            for fn in tools_schema.standard_tools
        ]
        tools.extend(tools_schema.get_custom_tools(AdapterType.OPENAI))
        return tools

    def get_llm_invocation_params(self, context: LLMContext) -> dict[str, Any]:
        """``{"messages", "tools", "tool_choice"}``; the last two may be ``NOT_GIVEN``."""
        messages = [
            m.message if isinstance(m, LLMSpecificMessage) else m
            for m in context.get_messages(self.id_for_llm_specific_messages)
        ]
        tools = self.from_standard_tools(context.tools)
        return {
            "messages": messages,
            "tools": tools,
            "tool_choice": context.tool_choice if tools is not NOT_GIVEN else NOT_GIVEN,
        }
