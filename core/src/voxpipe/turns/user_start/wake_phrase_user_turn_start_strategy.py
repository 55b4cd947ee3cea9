"""``WakePhraseUserTurnStartStrategy``: nothing starts a turn until a wake phrase is heard.

States: IDLE and AWAKE.

* IDLE: only final transcriptions are checked, on the text accumulated since
  the last reset (punctuation stripped, case-insensitive, words of a phrase
  separated by any whitespace). A match opens a turn and fires
  ``on_wake_phrase_detected(strategy, phrase)``; a miss discards the user text
  aggregated so far. Every frame returns ``STOP`` so later strategies (VAD,
  transcription) cannot start turns while IDLE.
* AWAKE: frames go on to later strategies. In timeout mode (the default)
  speech, transcriptions and bot speech refresh a ``timeout`` window; when it
  expires the strategy returns to IDLE and fires ``on_wake_phrase_timeout``.
  With ``single_activation=True`` it returns to IDLE after each turn, and
  ``timeout`` only bounds the wait for that turn to start.

Put it first in the start list: ``[WakePhrase...(...), *default_user_turn_start_strategies()]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    BotSpeakingFrame,
    BotStartedSpeakingFrame,
    InterimTranscriptionFrame,
    TranscriptionFrame,
    UserSpeakingFrame,
    UserStartedSpeakingFrame,
    VADUserStartedSpeakingFrame,
)
from voxpipe.turns.timing import Timer
from voxpipe.turns.types import ProcessFrameResult, UserTurnHost
from voxpipe.turns.user_start.base_user_turn_start_strategy import BaseUserTurnStartStrategy

__all__ = ["WakePhraseState", "WakePhraseUserTurnStartStrategy"]

_PUNCTUATION = re.compile(r"[^\w\s]")
_ACTIVITY = (
    BotSpeakingFrame,
    BotStartedSpeakingFrame,
    InterimTranscriptionFrame,
    TranscriptionFrame,
    UserSpeakingFrame,
    UserStartedSpeakingFrame,
    VADUserStartedSpeakingFrame,
)


class WakePhraseState(Enum):
    """Whether the wake phrase has been heard."""

    IDLE = 1
    AWAKE = 2


class WakePhraseUserTurnStartStrategy(BaseUserTurnStartStrategy):
    """See the module docstring.

    Args:
        phrases: Wake phrases, e.g. ``["hey voxpipe", "ok voxpipe"]``.
        timeout: Inactivity window in seconds (see the module docstring).
        single_activation: Require the phrase before every turn.
        **kwargs: See :class:`BaseUserTurnStartStrategy`.

    Raises:
        ValueError: No phrase given.

    Events: ``on_wake_phrase_detected(strategy, phrase)``,
    ``on_wake_phrase_timeout(strategy)``.
    """

    def __init__(
        self,
        *,
        phrases: Sequence[str],
        timeout: float = 10.0,
        single_activation: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        cleaned = [p.strip() for p in phrases if p.strip()]
        if not cleaned:
            raise ValueError("WakePhraseUserTurnStartStrategy needs at least one phrase")
        self._phrases = cleaned
        self._patterns = [
            re.compile(
                r"\b" + r"\s*".join(re.escape(w) for w in _clean(p).split()) + r"\b",
                re.IGNORECASE,
            )
            for p in cleaned
        ]
        self._timeout = timeout
        self._single_activation = single_activation
        self._state = WakePhraseState.IDLE
        self._text = ""
        self._timer: Timer | None = None
        self._register_event_handler("on_wake_phrase_detected")
        self._register_event_handler("on_wake_phrase_timeout")

    @property
    def state(self) -> WakePhraseState:
        """IDLE or AWAKE."""
        return self._state

    async def setup(self, host: UserTurnHost) -> None:
        """Attach to the controller and create the inactivity timer."""
        await super().setup(host)
        self._timer = Timer(
            host.clock, self._expired, create_task=host.create_task, name="wake-phrase-timeout"
        )

    async def cleanup(self) -> None:
        """Stop the timer."""
        if self._timer is not None:
            self._timer.cancel()
        await super().cleanup()

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Gate later strategies while IDLE; keep the window open while AWAKE."""
        if self._state is WakePhraseState.AWAKE:
            if isinstance(frame, _ACTIVITY) and self._timer is not None:
                if not self._single_activation or not self.host.user_turn_active:
                    self._timer.start(self._timeout)
            return ProcessFrameResult.CONTINUE
        if isinstance(frame, TranscriptionFrame) and frame.text.strip():
            self._text = f"{self._text} {_clean(frame.text)}".strip()
            for phrase, pattern in zip(self._phrases, self._patterns, strict=True):
                if pattern.search(self._text):
                    await self._wake(phrase)
                    return ProcessFrameResult.STOP
            await self.host.reset_aggregation()
        return ProcessFrameResult.STOP

    async def _wake(self, phrase: str) -> None:
        self._state = WakePhraseState.AWAKE
        self._text = ""
        if self._timer is not None:
            self._timer.start(self._timeout)
        await self._call_event_handler("on_wake_phrase_detected", phrase)
        await self.trigger_user_turn_started()

    async def user_turn_stopped(self) -> None:
        """In single-activation mode, go back to IDLE after every turn."""
        if self._single_activation and self._state is WakePhraseState.AWAKE:
            self._state = WakePhraseState.IDLE
            if self._timer is not None:
                self._timer.cancel()

    async def _expired(self) -> None:
        if self._state is not WakePhraseState.AWAKE:
            return
        if self.host.user_turn_active:
            if self._timer is not None:
                self._timer.start(self._timeout)
            return
        self._state = WakePhraseState.IDLE
        self._text = ""
        await self._call_event_handler("on_wake_phrase_timeout")


def _clean(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text).split())
