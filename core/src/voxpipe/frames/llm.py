"""LLM frames: context, messages, tools, output settings and response boundaries.

``LLMContextFrame`` derives from ``Frame`` directly (neither data, control nor
system): it is queued like a data frame but is not one. The response
boundaries are control frames; everything else is a data frame, so a user
interruption drops a pending context change along with the bot's output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from voxpipe.frames._base import ControlFrame, DataFrame, Frame
from voxpipe.frames._deprecation import warn_deprecated

if TYPE_CHECKING:
    from voxpipe.adapters.schemas.tools_schema import ToolsSchema
    from voxpipe.processors.aggregators.llm_context import LLMContext

__all__ = [
    "LLMAssistantPushAggregationFrame",
    "LLMConfigureOutputFrame",
    "LLMContextAssistantTimestampFrame",
    "LLMContextFrame",
    "LLMEnablePromptCachingFrame",
    "LLMFullResponseEndFrame",
    "LLMFullResponseStartFrame",
    "LLMMessagesAppendFrame",
    "LLMMessagesFrame",
    "LLMMessagesUpdateFrame",
    "LLMRunFrame",
    "LLMSetToolChoiceFrame",
    "LLMSetToolsFrame",
    "VisionFullResponseEndFrame",
    "VisionFullResponseStartFrame",
]


@dataclass
class LLMContextFrame(Frame):
    """A complete LLM context; an LLM service that receives it runs inference on it.

    Attributes:
        context: The context: messages, tools and tool choice.
    """

    context: LLMContext


@dataclass
class LLMMessagesFrame(DataFrame):
    """Deprecated: a list of messages for the LLM; warns when constructed.

    Use :class:`LLMMessagesUpdateFrame` (replace the context messages) or
    :class:`LLMContextFrame` instead.

    Attributes:
        messages: The messages.
    """

    messages: list[Any]

    def __post_init__(self) -> None:
        super().__post_init__()
        warn_deprecated(
            "LLMMessagesFrame is deprecated; use LLMMessagesUpdateFrame or LLMContextFrame."
        )


@dataclass
class LLMMessagesAppendFrame(DataFrame):
    """Append messages to the conversation context, keeping the existing ones.

    Attributes:
        messages: The messages to append (role/content dicts).
        run_llm: Whether to run the LLM on the updated context; None leaves
            it to the context aggregator's default.
    """

    messages: list[Any]
    run_llm: bool | None = None


@dataclass
class LLMMessagesUpdateFrame(DataFrame):
    """Replace all the messages of the conversation context.

    Attributes:
        messages: The new messages (role/content dicts).
        run_llm: Whether to run the LLM on the updated context; None leaves
            it to the context aggregator's default.
    """

    messages: list[Any]
    run_llm: bool | None = None


@dataclass
class LLMRunFrame(DataFrame):
    """Run the LLM on the context as it stands."""


@dataclass
class LLMContextAssistantTimestampFrame(DataFrame):
    """When an assistant message was created (used by the context aggregators).

    Attributes:
        timestamp: Creation time of the assistant message (ISO 8601).
    """

    timestamp: str


@dataclass
class LLMSetToolsFrame(DataFrame):
    """Replace the tools the LLM may call.

    Attributes:
        tools: A ``ToolsSchema`` or a list of provider-format tool definitions.
    """

    tools: ToolsSchema | list[Any]


@dataclass
class LLMSetToolChoiceFrame(DataFrame):
    """Set how the LLM chooses tools.

    Attributes:
        tool_choice: ``"none"``, ``"auto"``, ``"required"``, or a dict naming
            one tool.
    """

    tool_choice: Literal["none", "auto", "required"] | dict[str, Any]


@dataclass
class LLMEnablePromptCachingFrame(DataFrame):
    """Turn prompt caching on or off, for LLMs that support it.

    Attributes:
        enable: Whether prompt caching is on.
    """

    enable: bool


@dataclass
class LLMConfigureOutputFrame(DataFrame):
    """Configure the LLM's output, e.g. to update the context without speaking.

    Attributes:
        skip_tts: When True, LLM tokens go to the context but not to TTS.
    """

    skip_tts: bool


@dataclass
class LLMFullResponseStartFrame(ControlFrame):
    """Opens an LLM response; text frames follow until :class:`LLMFullResponseEndFrame`.

    Attributes:
        skip_tts: Set by the LLM when the response is not to be spoken. Not a
            constructor argument; defaults to None.
    """

    skip_tts: bool | None = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.skip_tts = None


@dataclass
class LLMFullResponseEndFrame(ControlFrame):
    """Closes an LLM response.

    Attributes:
        skip_tts: Set by the LLM when the response was not to be spoken. Not a
            constructor argument; defaults to None.
    """

    skip_tts: bool | None = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.skip_tts = None


@dataclass
class VisionFullResponseStartFrame(LLMFullResponseStartFrame):
    """Opens a vision model response."""


@dataclass
class VisionFullResponseEndFrame(LLMFullResponseEndFrame):
    """Closes a vision model response."""


@dataclass
class LLMAssistantPushAggregationFrame(ControlFrame):
    """Make the assistant aggregator commit its buffered text to the context now."""
