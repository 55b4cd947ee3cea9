"""Filtering incomplete user turns: the LLM marks each reply complete (✓) or not (○, ◐).

With ``LLMUserAggregatorParams(filter_incomplete_user_turns=True)`` the user
aggregator sends the LLM service an ``LLMUpdateSettingsFrame`` carrying
``filter_incomplete_user_turns`` and a :class:`UserTurnCompletionConfig`.
``LLMService`` mixes in :class:`UserTurnCompletionLLMServiceMixin`, appends
:attr:`UserTurnCompletionConfig.instructions` to the system prompt of each
request, and passes each streamed text chunk through the marker filter
(wiring: :mod:`voxpipe.services.llm._turn_completion`):

* ``✓`` — complete: the marker is pushed with ``skip_tts`` (and
  ``append_to_context=False``) and the reply flows on;
* ``○`` / ``◐`` — incomplete: the reply is suppressed, and after
  ``incomplete_short_timeout`` / ``incomplete_long_timeout`` (on the
  service's ``turn_completion_clock``) the service re-prompts with the
  matching prompt, unless the user speaks first;
* no marker within the first characters — a warning, and the buffered text is
  pushed unchanged (the conversation never loses a reply).

The assistant aggregator strips the markers from transcripts.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from voxpipe.turns.timing import LoopClock, TurnClock

if TYPE_CHECKING:
    from voxpipe.processors.aggregators.llm_context import LLMContext

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
        self._at_start = True  # after ``✓``: drop the whitespace before the first word

    @property
    def incomplete(self) -> bool:
        """Whether the reply was marked incomplete (``○`` or ``◐``)."""
        return self.verdict in (TurnCompletion.INCOMPLETE_SHORT, TurnCompletion.INCOMPLETE_LONG)

    def feed(self, text: str) -> tuple[str, str]:
        """Add a chunk; returns ``(marker_text, speakable_text)`` to push now.

        ``marker_text`` should be pushed with ``skip_tts``; ``speakable_text``
        normally. Both are empty while undecided or after an incomplete verdict.
        """
        if self._decided:
            if self.incomplete:
                return "", ""
            return "", self._speakable(text)
        self._buffer += text
        stripped = self._buffer.lstrip()
        if stripped:
            verdict = _MARKERS.get(stripped[0])
            if verdict is not None:
                self._decided, self.verdict = True, verdict
                rest = stripped[1:]
                if verdict is TurnCompletion.COMPLETE:
                    return stripped[0], self._speakable(rest)
                return "", ""
        if len(stripped) >= self._lookahead:
            logger.warning("turn completion: no marker at the start of the reply; pushing it unchanged")
            self._decided, self.verdict = True, TurnCompletion.UNKNOWN
            self._at_start = False
            return "", self._buffer
        return "", ""

    def _speakable(self, text: str) -> str:
        if self._at_start:
            text = text.lstrip()
            self._at_start = not text
        return text

    def flush(self) -> str:
        """End of the reply: text still held back (no marker came), else ''."""
        if self._decided:
            return ""
        self._decided = True
        if self._buffer.strip():
            logger.warning("turn completion: reply ended without a marker; pushing it unchanged")
        return self._buffer


class UserTurnCompletionLLMServiceMixin:
    """For LLM services: per-reply marker filter plus the configuration in effect.

    ``LLMService`` mixes this in and does the wiring (see
    :mod:`voxpipe.services.llm._turn_completion`); a provider service needs
    nothing more. Providers that build the system prompt from
    ``settings.system_instruction`` instead of the context pass it through
    :meth:`turn_completion_system_instruction`.
    """

    _turn_completion_config: UserTurnCompletionConfig | None = None
    _turn_completion_clock: TurnClock | None = None

    @property
    def turn_completion_clock(self) -> TurnClock:
        """The clock of the re-prompt timeouts (the event loop's, unless set; tests set a manual one)."""
        if self._turn_completion_clock is None:
            self._turn_completion_clock = LoopClock()
        return self._turn_completion_clock

    @turn_completion_clock.setter
    def turn_completion_clock(self, clock: TurnClock) -> None:
        self._turn_completion_clock = clock

    @property
    def turn_completion_config(self) -> UserTurnCompletionConfig | None:
        """The configuration in effect, or None when filtering is off."""
        return self._turn_completion_config

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

    def turn_completion_context(self, context: LLMContext, reprompt: str | None = None) -> LLMContext:
        """The context to send: a copy with the instructions in its system prompt (when enabled).

        The instructions are appended to a leading system message (text, or a
        list of content parts) or, if there is none, inserted as the first
        message. ``reprompt`` (a re-prompt after an incomplete turn) is appended
        as a final system message. ``context`` itself is never changed.
        """
        cfg = self._turn_completion_config
        if cfg is None and reprompt is None:
            return context
        clone = context.copy()
        messages = clone.messages
        if cfg is not None:
            first = messages[0] if messages else None
            if isinstance(first, dict) and first.get("role") == "system":
                messages[0] = _with_text_appended(first, cfg.instructions)
            else:
                messages.insert(0, {"role": "system", "content": cfg.instructions})
        if reprompt is not None:
            messages.append({"role": "system", "content": reprompt})
        return clone

    def filter_turn_completion_text(self, text: str) -> tuple[str, str]:
        """See :meth:`TurnCompletionFilter.feed`; pass-through when disabled."""
        f = getattr(self, "_turn_completion_filter", None)
        return ("", text) if f is None else f.feed(text)


def _with_text_appended(message: dict[str, Any], text: str) -> dict[str, Any]:
    content = message.get("content")
    out = dict(message)
    if isinstance(content, list):
        out["content"] = [*copy.deepcopy(content), {"type": "text", "text": text}]
    elif content:
        out["content"] = f"{content}\n\n{text}"
    else:
        out["content"] = text
    return out
