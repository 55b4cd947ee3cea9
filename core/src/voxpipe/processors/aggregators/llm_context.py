"""``LLMContext``: the conversation an LLM service runs on, in one universal format.

Messages are OpenAI-style chat dicts (``{"role": "user", "content": "Hi"}``,
assistant ``tool_calls``, ``{"role": "tool", "tool_call_id": ..., "content": ...}``),
the lingua franca every provider adapter translates from. A message that only
one provider understands (an Anthropic thinking block with its signature, say)
is wrapped in an :class:`LLMSpecificMessage` naming that provider; other
adapters skip it (see :meth:`LLMContext.get_messages`).

Tools are a :class:`~voxpipe.adapters.schemas.tools_schema.ToolsSchema` or
:data:`~voxpipe.services.settings.NOT_GIVEN` (offer no tools). The context is a
plain mutable object shared by the context aggregators and the LLM service;
it does no I/O and is not thread-safe (one event loop owns it).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from voxpipe.adapters.schemas.function_schema import FunctionSchema
from voxpipe.adapters.schemas.tools_schema import AdapterType, ToolsSchema
from voxpipe.services.settings import NOT_GIVEN, NotGiven

__all__ = [
    "NOT_GIVEN",
    "LLMContext",
    "LLMContextMessage",
    "LLMContextToolChoice",
    "LLMSpecificMessage",
    "LLMStandardMessage",
    "NotGiven",
]

#: An OpenAI-style chat message dict.
LLMStandardMessage = dict[str, Any]

#: How the LLM picks tools: ``"none"``, ``"auto"``, ``"required"`` or a dict naming one tool.
LLMContextToolChoice = Literal["none", "auto", "required"] | dict[str, Any]

_TOOL_CHOICES = frozenset({"none", "auto", "required"})
_ENCODED_IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "JPG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
_PNG_COLOR_TYPES = {"L": (0, 1), "RGB": (2, 3), "RGBA": (6, 4)}


@dataclass
class LLMSpecificMessage:
    """A message in one provider's own format, kept verbatim for that provider only.

    Attributes:
        llm: The adapter identifier the message is for (e.g. ``"anthropic"``).
        message: The provider-format message.
    """

    llm: str
    message: Any


#: Any message an :class:`LLMContext` holds.
LLMContextMessage = LLMStandardMessage | LLMSpecificMessage


class LLMContext:
    """Messages, tools and tool choice for an LLM service.

    Args:
        messages: Initial messages (copied into a new list; the dicts are kept).
        tools: The tools offered to the LLM; see :meth:`set_tools`.
        tool_choice: How the LLM picks tools; see :meth:`set_tool_choice`.

    Raises:
        TypeError: A message is neither a mapping nor an :class:`LLMSpecificMessage`.
        ValueError: ``tool_choice`` is not one of the accepted values.
    """

    def __init__(
        self,
        messages: Iterable[LLMContextMessage] | None = None,
        tools: ToolsSchema | Sequence[Mapping[str, Any]] | NotGiven | None = NOT_GIVEN,
        tool_choice: LLMContextToolChoice | NotGiven = NOT_GIVEN,
    ) -> None:
        self._messages: list[LLMContextMessage] = []
        self._tools: ToolsSchema | NotGiven = NOT_GIVEN
        self._tool_choice: LLMContextToolChoice | NotGiven = NOT_GIVEN
        if messages is not None:
            self.add_messages(messages)
        self.set_tools(tools)
        self.set_tool_choice(tool_choice)

    # -- messages ------------------------------------------------------------------

    @property
    def messages(self) -> list[LLMContextMessage]:
        """All messages, in order; the live list (mutations change the context)."""
        return self._messages

    def get_messages(self, llm_specific_filter: str | None = None) -> list[LLMContextMessage]:
        """The messages, optionally as one provider should see them.

        Args:
            llm_specific_filter: An adapter identifier. When given, standard
                messages are kept, :class:`LLMSpecificMessage` entries for
                that adapter are kept, and those for other adapters dropped.
                When None every message is returned.

        Returns:
            A new list (the message objects themselves are shared).
        """
        if llm_specific_filter is None:
            return list(self._messages)
        return [
            m
            for m in self._messages
            if not isinstance(m, LLMSpecificMessage) or m.llm == llm_specific_filter
        ]

    def add_message(self, message: LLMContextMessage) -> None:
        """Append one message.

        Raises:
            TypeError: ``message`` is neither a mapping nor an ``LLMSpecificMessage``.
        """
        self._messages.append(_checked(message))

    def add_messages(self, messages: Iterable[LLMContextMessage]) -> None:
        """Append several messages, in order (all are checked before any is added)."""
        checked = [_checked(m) for m in messages]
        self._messages.extend(checked)

    def set_messages(self, messages: Iterable[LLMContextMessage]) -> None:
        """Replace every message."""
        checked = [_checked(m) for m in messages]
        self._messages[:] = checked

    def add_user_message(self, content: str | list[dict[str, Any]]) -> None:
        """Append ``{"role": "user", "content": content}``."""
        self.add_message({"role": "user", "content": content})

    def add_assistant_message(self, content: str | list[dict[str, Any]]) -> None:
        """Append ``{"role": "assistant", "content": content}``."""
        self.add_message({"role": "assistant", "content": content})

    @staticmethod
    def create_llm_specific_message(llm: AdapterType | str, message: Any) -> LLMSpecificMessage:
        """Wrap ``message`` as meant for the ``llm`` adapter only."""
        return LLMSpecificMessage(
            llm=llm.value if isinstance(llm, AdapterType) else llm, message=message
        )

    def add_image_frame_message(
        self,
        *,
        format: str,
        size: tuple[int, int],
        image: bytes,
        text: str | None = None,
        role: str = "user",
    ) -> None:
        """Append a message carrying an image (and optional text) as a data URL.

        Args:
            format: ``"RGB"``, ``"RGBA"`` or ``"L"`` for raw pixels (encoded to
                PNG here, without third-party libraries), or ``"JPEG"``,
                ``"PNG"``, ``"WEBP"``, ``"GIF"`` for already-encoded bytes.
            size: ``(width, height)``; used for raw pixels.
            image: The pixels or the encoded image.
            text: Text to send with the image (a question about it).
            role: The message role.

        Raises:
            ValueError: Unknown format, or raw pixels that do not match ``size``.
        """
        import base64  # encoding helpers load on first use, not at import

        mime, data = _encode_image(format, size, image)
        content: list[dict[str, Any]] = []
        if text:
            content.append({"type": "text", "text": text})
        url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        content.append({"type": "image_url", "image_url": {"url": url}})
        self.add_message({"role": role, "content": content})

    def add_audio_frames_message(
        self, *, audio_frames: Sequence[Any], text: str = "Audio follows", role: str = "user"
    ) -> None:
        """Append a message carrying the audio of ``audio_frames`` as base64 WAV.

        Args:
            audio_frames: Audio frames (``audio``, ``sample_rate``,
                ``num_channels``) of one format, in order.
            text: Text sent before the audio.
            role: The message role.

        Raises:
            ValueError: No frames, or frames of different formats.
        """
        import base64
        import io
        import wave

        if not audio_frames:
            raise ValueError("add_audio_frames_message needs at least one audio frame")
        rate, channels = audio_frames[0].sample_rate, audio_frames[0].num_channels
        if any(f.sample_rate != rate or f.num_channels != channels for f in audio_frames):
            raise ValueError("audio frames must share one sample rate and channel count")
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(channels)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(b"".join(f.audio for f in audio_frames))
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        content = [
            {"type": "text", "text": text},
            {"type": "input_audio", "input_audio": {"data": data, "format": "wav"}},
        ]
        self.add_message({"role": role, "content": content})

    # -- tools -----------------------------------------------------------------------

    @property
    def tools(self) -> ToolsSchema | NotGiven:
        """The tools offered to the LLM, or ``NOT_GIVEN`` for none."""
        return self._tools

    def set_tools(
        self, tools: ToolsSchema | Sequence[Mapping[str, Any]] | NotGiven | None = NOT_GIVEN
    ) -> None:
        """Replace the tools.

        Args:
            tools: A ``ToolsSchema``; or a list of OpenAI-style definitions
                (function ones become standard tools, any other kind becomes an
                OpenAI custom tool); ``None``, an empty list or an empty schema
                mean no tools (stored as ``NOT_GIVEN``, since providers reject
                an empty tool list).

        Raises:
            TypeError: ``tools`` is of another type.
        """
        if tools is None or tools is NOT_GIVEN:
            self._tools = NOT_GIVEN
        elif isinstance(tools, ToolsSchema):
            self._tools = tools if len(tools) else NOT_GIVEN
        elif isinstance(tools, Sequence) and not isinstance(tools, (str, bytes)):
            standard: list[FunctionSchema] = []
            custom: list[dict[str, Any]] = []
            for tool in tools:
                if isinstance(tool, FunctionSchema):
                    standard.append(tool)
                elif isinstance(tool, Mapping) and (
                    tool.get("type") == "function" or ("name" in tool and "type" not in tool)
                ):
                    standard.append(FunctionSchema.from_dict(tool))
                elif isinstance(tool, Mapping):
                    custom.append(dict(tool))
                else:
                    raise TypeError(f"not a tool definition: {tool!r}")
            schema = ToolsSchema(
                standard, custom_tools={AdapterType.OPENAI: custom} if custom else None
            )
            self._tools = schema if len(schema) else NOT_GIVEN
        else:
            raise TypeError(
                f"tools must be a ToolsSchema, a list of tool dicts or NOT_GIVEN, not {tools!r}"
            )

    @property
    def tool_choice(self) -> LLMContextToolChoice | NotGiven:
        """How the LLM picks tools, or ``NOT_GIVEN`` for the provider default."""
        return self._tool_choice

    def set_tool_choice(self, tool_choice: LLMContextToolChoice | NotGiven | None) -> None:
        """Set how the LLM picks tools.

        Args:
            tool_choice: ``"none"``, ``"auto"``, ``"required"``, a dict naming
                one tool (``{"type": "function", "function": {"name": "x"}}``),
                or ``NOT_GIVEN``/``None`` for the provider default.

        Raises:
            ValueError: Any other value.
        """
        if tool_choice is None or tool_choice is NOT_GIVEN:
            self._tool_choice = NOT_GIVEN
        elif isinstance(tool_choice, Mapping):
            self._tool_choice = dict(tool_choice)
        elif tool_choice in _TOOL_CHOICES:
            self._tool_choice = tool_choice
        else:
            raise ValueError(
                f"tool_choice must be 'none', 'auto', 'required' or a dict naming a tool, not {tool_choice!r}"
            )

    # -- copies ----------------------------------------------------------------------

    def copy(self) -> LLMContext:
        """An independent copy: messages deep-copied, tools and tool choice shared."""
        clone = LLMContext()
        clone._messages = copy.deepcopy(self._messages)
        clone._tools = self._tools
        clone._tool_choice = copy.deepcopy(self._tool_choice)
        return clone

    def __repr__(self) -> str:
        return f"LLMContext(messages={len(self._messages)}, tools={self._tools!r}, tool_choice={self._tool_choice!r})"


def _checked(message: Any) -> LLMContextMessage:
    if isinstance(message, LLMSpecificMessage):
        return message
    if isinstance(message, dict):
        return message
    if isinstance(message, Mapping):
        return dict(message)
    raise TypeError(
        f"a context message is a role/content dict or an LLMSpecificMessage, not {type(message).__name__}"
    )


def _encode_image(fmt: str, size: tuple[int, int], image: bytes) -> tuple[str, bytes]:
    import struct
    import zlib

    key = fmt.upper()
    if key in _ENCODED_IMAGE_FORMATS:
        return _ENCODED_IMAGE_FORMATS[key], image
    if key not in _PNG_COLOR_TYPES:
        raise ValueError(
            f"unsupported image format {fmt!r}: use RGB, RGBA, L, JPEG, PNG, WEBP or GIF"
        )
    color_type, channels = _PNG_COLOR_TYPES[key]
    width, height = size
    stride = width * channels
    if width <= 0 or height <= 0 or len(image) != stride * height:
        raise ValueError(f"{len(image)} bytes do not make a {width}x{height} {key} image")
    rows = b"".join(b"\x00" + image[y * stride : (y + 1) * stride] for y in range(height))

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return "image/png", png
