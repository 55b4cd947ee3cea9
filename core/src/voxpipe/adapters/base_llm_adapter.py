"""``BaseLLMAdapter``: translate the universal context and tools to one provider.

An LLM service asks its adapter (``LLMService.get_llm_adapter()``) for the
request parameters; the universal :class:`~voxpipe.processors.aggregators.llm_context.LLMContext`
never changes shape. An adapter is pure: no I/O, no state between calls.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from voxpipe.services.settings import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from voxpipe.adapters.schemas.tools_schema import ToolsSchema
    from voxpipe.processors.aggregators.llm_context import LLMContext

__all__ = ["BaseLLMAdapter"]

_DATA_URL_PREFIX = "data:"


class BaseLLMAdapter(ABC):
    """Translates an ``LLMContext`` and ``ToolsSchema`` into one provider's format."""

    #: Which ``LLMSpecificMessage`` entries this adapter keeps (``LLMSpecificMessage.llm``).
    id_for_llm_specific_messages: ClassVar[str] = ""

    @abstractmethod
    def to_provider_tools_format(self, tools_schema: ToolsSchema) -> list[Any]:
        """The provider's tool list for ``tools_schema`` (standard and own custom tools)."""

    @abstractmethod
    def get_llm_invocation_params(self, context: LLMContext) -> dict[str, Any]:
        """The provider request parameters (messages, tools, tool choice) for ``context``.

        Parameters left ``NOT_GIVEN`` must be omitted from the request.
        """

    def from_standard_tools(self, tools: ToolsSchema | NotGiven) -> list[Any] | NotGiven:
        """``to_provider_tools_format(tools)``, or ``NOT_GIVEN`` when there are no tools."""
        if tools is NOT_GIVEN:
            return NOT_GIVEN
        return self.to_provider_tools_format(tools)  # type: ignore[arg-type]

    def get_messages_for_logging(self, context: LLMContext) -> list[Any]:
        """The provider-format messages with inline binary data shortened, for logs."""
        messages = copy.deepcopy(self.get_llm_invocation_params(context).get("messages", []))
        return [_redact(m) for m in messages]


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    if isinstance(value, str) and value.startswith(_DATA_URL_PREFIX) and len(value) > 64:
        return value[: value.find(",") + 1] + "..."
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return value
