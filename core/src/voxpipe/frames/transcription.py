"""Speech-to-text results, translations, and transcript updates.

Transcriptions and translations are :class:`~voxpipe.frames.text.TextFrame`
subclasses, so they flow through every text handler.

``user_id`` and ``timestamp`` default to ``""`` here (the documented
``TranscriptionFrame("user input")`` must work); STT services always fill them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from voxpipe.frames._base import DataFrame
from voxpipe.frames.text import TextFrame

if TYPE_CHECKING:
    from voxpipe.transcriptions.language import Language

__all__ = [
    "InterimTranscriptionFrame",
    "TranscriptionFrame",
    "TranscriptionMessage",
    "TranscriptionUpdateFrame",
    "TranslationFrame",
]


def _describe(frame: Any) -> str:
    return (
        f"{frame.name}(user: {frame.user_id}, text: [{frame.text}], "
        f"language: {frame.language}, timestamp: {frame.timestamp})"
    )


@dataclass
class TranscriptionFrame(TextFrame):
    """A final (non-interim) transcription: the STT service's best result.

    Attributes:
        user_id: Identifier of the user who spoke.
        timestamp: When the speech was transcribed (ISO 8601).
        language: Detected or configured language, if known.
        result: The STT service's raw result object, if any.
        finalized: True when the STT service explicitly committed this
            transcript (a finalize signal); turn strategies may then respond
            at once instead of waiting for a timeout.
    """

    user_id: str = ""
    timestamp: str = ""
    language: Language | None = None
    result: Any | None = None
    finalized: bool = False

    def __str__(self) -> str:
        return _describe(self)


@dataclass
class InterimTranscriptionFrame(TextFrame):
    """A partial transcription, superseded later by a :class:`TranscriptionFrame`.

    Attributes:
        user_id: Identifier of the user who spoke.
        timestamp: When the speech was transcribed (ISO 8601).
        language: Detected or configured language, if known.
        result: The STT service's raw result object, if any.
    """

    user_id: str = ""
    timestamp: str = ""
    language: Language | None = None
    result: Any | None = None

    def __str__(self) -> str:
        return _describe(self)


@dataclass
class TranslationFrame(TextFrame):
    """A translated transcription of what a participant said.

    Attributes:
        user_id: Identifier of the user who spoke.
        timestamp: When the translation was produced (ISO 8601).
        language: Target language of the translation.
    """

    user_id: str = ""
    timestamp: str = ""
    language: Language | None = None

    def __str__(self) -> str:
        return _describe(self)


@dataclass
class TranscriptionMessage:
    """One message of a conversation transcript (a plain dataclass, not a frame).

    Attributes:
        role: ``"user"`` or ``"assistant"``.
        content: The text of the message.
        timestamp: When the message was created (ISO 8601), if known.
        user_id: The speaking user's identifier, for user messages.
    """

    role: Literal["user", "assistant"]
    content: str
    timestamp: str | None = None
    user_id: str | None = None


@dataclass
class TranscriptionUpdateFrame(DataFrame):
    """New transcript messages, as reported by the transcript processors.

    Attributes:
        messages: The messages added since the previous update.
    """

    messages: list[TranscriptionMessage]
