"""Filtering incomplete user turns: the LLM marks each reply complete (✓) or not (○, ◐).

With ``LLMUserAggregatorParams(filter_incomplete_user_turns=True)`` the user
aggregator sends the LLM service an ``LLMUpdateSettingsFrame`` carrying
``filter_incomplete_user_turns`` and a :class:`UserTurnCompletionConfig`.
An LLM service mixes in :class:`UserTurnCompletionLLMServiceMixin`, appends
:attr:`UserTurnCompletionConfig.instructions` to its system instruction, and
passes each streamed text chunk through :meth:`filter_turn_completion_text`:

* ``✓`` — complete: the marker is pushed with ``skip_tts`` and the reply flows on;
* ``○`` / ``◐`` — incomplete: the reply is suppressed, and after
  ``incomplete_short_timeout`` / ``incomplete_long_timeout`` (on the turn
  clock) the service re-prompts with the matching prompt;
* no marker within the first characters — a warning, and the buffered text is
  pushed unchanged (the conversation never loses a reply).

The assistant aggregator strips the markers from transcripts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "COMPLETE_MARKER",
    "INCOMPLETE_LONG_MARKER",
    "INCOMPLETE_SHORT_MARKER",
    "TurnCompletion",
    "TurnCompletionFilter",
    "UserTurnCompletionConfig",
    "UserTurnCompletionLLMServiceMixin",
]

logger = logging.getLogger("voxpipe")

COMPLETE_MARKER = "✓"
INCOMPLETE_SHORT_MARKER = "○"
INCOMPLETE_LONG_MARKER = "◐"

_DEFAULT_INSTRUCTIONS = (
    "Before every reply, judge whether the user finished their thought. Start your reply "
    f"with exactly one marker: '{COMPLETE_MARKER}' if they did (then answer normally after "
    f"the marker), '{INCOMPLETE_SHORT_MARKER}' if they were cut off mid-sentence, or "
    f"'{INCOMPLETE_LONG_MARKER}' if they need time to think. After '{INCOMPLETE_SHORT_MARKER}' "
    f"or '{INCOMPLETE_LONG_MARKER}' write nothing else."
)
_SHORT_PROMPT = (
    "The user paused mid-sentence. Briefly and naturally invite them to go on. "
    f"Respond with {COMPLETE_MARKER} followed by your message."
)
_LONG_PROMPT = (
    "The user has been quiet for a while after asking for time. Check in with them in a "
    f"friendly, brief way. Respond with {COMPLETE_MARKER} followed by your message."
)


@dataclass
class UserTurnCompletionConfig:
    """Timeouts, prompts and instructions of incomplete-turn filtering.

    Attributes:
        incomplete_short_timeout: Seconds after ``○`` before re-prompting.
        incomplete_long_timeout: Seconds after ``◐`` before re-prompting.
        incomplete_short_prompt: Re-prompt after ``○`` (must ask for ``✓`` + message).
        incomplete_long_prompt: Re-prompt after ``◐`` (must ask for ``✓`` + message).
        instructions: Appended to the system instruction.
    """

    incomplete_short_timeout: float = 5.0
    incomplete_long_timeout: float = 10.0
    incomplete_short_prompt: str = _SHORT_PROMPT
    incomplete_long_prompt: str = _LONG_PROMPT
    instructions: str = _DEFAULT_INSTRUCTIONS


class TurnCompletion(Enum):
    """The verdict the LLM gave."""

    UNKNOWN = 0
    COMPLETE = 1
    INCOMPLETE_SHORT = 2
    INCOMPLETE_LONG = 3


_MARKERS = {
    COMPLETE_MARKER: TurnCompletion.COMPLETE,
    INCOMPLETE_SHORT_MARKER: TurnCompletion.INCOMPLETE_SHORT,
    INCOMPLETE_LONG_MARKER: TurnCompletion.INCOMPLETE_LONG,
}


class TurnCompletionFilter:
    """Reads the marker at the start of one streamed reply.

    Args:
        lookahead: Characters to buffer before giving up on a marker.
    """

    def __init__(self, lookahead: int = 8) -> None:
        self._lookahead = lookahead
        self.reset()

    def reset(self) -> None:
        """Start a new reply."""
        self.verdict = TurnCompletion.UNKNOWN
        self._buffer = ""
        self._decided = False

    def feed(self, text: str) -> tuple[str, str]:
        """Add a chunk; returns ``(marker_text, speakable_text)`` to push now.

        ``marker_text`` should be pushed with ``skip_tts``; ``speakable_text``
        normally. Both are empty while undecided or after an incomplete verdict.
        """
        if self._decided:
            if self.verdict in (TurnCompletion.INCOMPLETE_SHORT, TurnCompletion.INCOMPLETE_LONG):
                return "", ""
            return "", text
        self._buffer += text
        stripped = self._buffer.lstrip()
        if stripped:
            verdict = _MARKERS.get(stripped[0])
            if verdict is not None:
                self._decided, self.verdict = True, verdict
                rest = stripped[1:]
                if verdict is TurnCompletion.COMPLETE:
                    return stripped[0], rest.lstrip()
                return "", ""
        if len(stripped) >= self._lookahead:
            logger.warning("turn completion: no marker at the start of the reply; pushing it unchanged")
            self._decided, self.verdict = True, TurnCompletion.UNKNOWN
            return "", self._buffer
        return "", ""

    def flush(self) -> str:
        """End of the reply: text still held back (no marker came), else ''."""
        if self._decided:
            return ""
        self._decided = True
        if self._buffer.strip():
            logger.warning("turn completion: reply ended without a marker; pushing it unchanged")
        return self._buffer


class UserTurnCompletionLLMServiceMixin:
    """For LLM services: per-reply marker filter plus the configuration in effect."""

    _turn_completion_config: UserTurnCompletionConfig | None = None

    def enable_turn_completion(self, config: UserTurnCompletionConfig | None) -> None:
        """Turn filtering on (``config`` or defaults) or off (``None``)."""
        self._turn_completion_config = config
        self._turn_completion_filter = TurnCompletionFilter() if config else None

    @property
    def turn_completion_enabled(self) -> bool:
        """Whether replies are filtered."""
        return self._turn_completion_config is not None

    def turn_completion_system_instruction(self, system_instruction: str | None) -> str | None:
        """``system_instruction`` with the completion instructions appended (when enabled)."""
        cfg = self._turn_completion_config
        if cfg is None:
            return system_instruction
        return f"{system_instruction}\n\n{cfg.instructions}" if system_instruction else cfg.instructions

    def filter_turn_completion_text(self, text: str) -> tuple[str, str]:
        """See :meth:`TurnCompletionFilter.feed`; pass-through when disabled."""
        f = getattr(self, "_turn_completion_filter", None)
        return ("", text) if f is None else f.feed(text)
