"""Text frames: raw text, LLM output, aggregated text, TTS input and typed input.

Everything here is a data frame except :class:`InputTextRawFrame`, which is
both a system frame and a :class:`TextFrame` (user input is never dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from voxpipe.frames._base import DataFrame, SystemFrame, format_pts

if TYPE_CHECKING:
    from voxpipe.utils.text.base_text_aggregator import AggregationType

__all__ = [
    "AggregatedTextFrame",
    "InputTextRawFrame",
    "LLMTextFrame",
    "TTSSpeakFrame",
    "TTSTextFrame",
    "TextFrame",
    "VisionTextFrame",
]


@dataclass
class TextFrame(DataFrame):
    """A chunk of text: emitted by LLMs, consumed by aggregators and TTS services.

    Attributes:
        text: The text.
        skip_tts: When set, tells the TTS service to skip this text. Not a
            constructor argument; defaults to None.
        includes_inter_frame_spaces: Whether leading/trailing spaces between
            consecutive frames are already in ``text``. Not a constructor
            argument; defaults to False.
        append_to_context: Whether the text is appended to the LLM context.
            Not a constructor argument; defaults to True.
    """

    text: str
    skip_tts: bool | None = field(init=False)
    includes_inter_frame_spaces: bool = field(init=False)
    append_to_context: bool = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.skip_tts = None
        self.includes_inter_frame_spaces = False
        self.append_to_context = True

    def __str__(self) -> str:
        return f"{self.name}(pts: {format_pts(self.pts)}, text: [{self.text}])"


@dataclass
class LLMTextFrame(TextFrame):
    """Text produced by an LLM; the LLM already includes all spacing.

    ``includes_inter_frame_spaces`` is therefore True.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        self.includes_inter_frame_spaces = True


@dataclass
class VisionTextFrame(LLMTextFrame):
    """Text produced by a vision model; an ``LLMTextFrame`` told apart by type."""


@dataclass
class AggregatedTextFrame(TextFrame):
    """Several text frames joined into one (a sentence, a word, a custom pattern).

    Attributes:
        aggregated_by: How the text was aggregated: an ``AggregationType``
            (``"sentence"``, ``"word"``) or a custom name.
        context_id: Identifier of the TTS context this text belongs to.
    """

    aggregated_by: AggregationType | str
    context_id: str | None = None


@dataclass
class TTSTextFrame(AggregatedTextFrame):
    """Text that was sent to a TTS service, emitted in step with its audio.

    Attributes:
        context_id: Identifier of the TTS context that synthesized this text.
    """

    context_id: str | None = None


@dataclass
class InputTextRawFrame(SystemFrame, TextFrame):
    """Text received by the input transport, e.g. typed by the user in a chat box.

    A system frame (never dropped by an interruption) that is also a
    :class:`TextFrame`; schedulers must test for ``SystemFrame`` first.
    """

    def __str__(self) -> str:
        return (
            f"{self.name}(pts: {format_pts(self.pts)}, source: {self.transport_source}, "
            f"text: [{self.text}])"
        )


@dataclass
class TTSSpeakFrame(DataFrame):
    """Speak ``text`` as a standalone utterance, outside any LLM response.

    The TTS service opens a fresh audio context for each of these.

    Attributes:
        text: The text to speak.
        append_to_context: Whether the spoken text is appended to the LLM
            context. None is accepted and means True.
    """

    text: str
    append_to_context: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.append_to_context is None:
            self.append_to_context = True
