"""Deprecated interruption strategies, kept working on top of user turn start strategies.

``PipelineParams(interruption_strategies=[MinWordsInterruptionStrategy(min_words=3)])``
still works: the user aggregator turns the list into start strategies (a
``MinWordsInterruptionStrategy`` becomes ``MinWordsUserTurnStartStrategy``; any
other strategy is consulted through :class:`InterruptionStrategyUserTurnStartStrategy`).
The documented module paths are ``voxpipe.audio.interruptions.*``; they are
meant to re-export these names.
"""

from __future__ import annotations

import warnings
from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    InputAudioRawFrame,
    TranscriptionFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.turns.types import ProcessFrameResult
from voxpipe.turns.user_start import BaseUserTurnStartStrategy, MinWordsUserTurnStartStrategy

__all__ = [
    "BaseInterruptionStrategy",
    "InterruptionStrategyUserTurnStartStrategy",
    "MinWordsInterruptionStrategy",
    "start_strategies_from_interruption_strategies",
]


class BaseInterruptionStrategy:
    """Deprecated: decides whether user speech may interrupt the speaking bot."""

    async def append_audio(self, audio: bytes, sample_rate: int) -> None:
        """Add user audio (not every strategy uses it)."""

    async def append_text(self, text: str) -> None:
        """Add user text (not every strategy uses it)."""

    async def should_interrupt(self) -> bool:
        """Whether what was collected warrants an interruption."""
        return False

    async def reset(self) -> None:
        """Forget what was collected."""


class MinWordsInterruptionStrategy(BaseInterruptionStrategy):
    """Deprecated: interrupt once the user said ``min_words`` words; use ``MinWordsUserTurnStartStrategy``.

    Raises:
        ValueError: ``min_words`` is not positive.
    """

    def __init__(self, *, min_words: int) -> None:
        warnings.warn(
            "MinWordsInterruptionStrategy is deprecated; use "
            "UserTurnStrategies(start=[MinWordsUserTurnStartStrategy(min_words=...)])",
            DeprecationWarning,
            stacklevel=2,
        )
        if min_words <= 0:
            raise ValueError(f"min_words must be greater than 0, got {min_words}")
        self.min_words = min_words
        self._text = ""

    async def append_text(self, text: str) -> None:
        """Collect text."""
        self._text = f"{self._text} {text}".strip()

    async def should_interrupt(self) -> bool:
        """Whether at least ``min_words`` whitespace-separated words were collected."""
        return len(self._text.split()) >= self.min_words

    async def reset(self) -> None:
        """Forget the text."""
        self._text = ""


class InterruptionStrategyUserTurnStartStrategy(BaseUserTurnStartStrategy):
    """Runs a deprecated interruption strategy as a start strategy.

    Bot silent: any transcript starts the turn. Bot speaking: audio and text
    are fed to the strategy, and at each transcript or VAD stop the turn starts
    if ``should_interrupt()`` says so.
    """

    def __init__(self, strategy: BaseInterruptionStrategy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._strategy = strategy

    async def reset(self) -> None:
        """Reset the wrapped strategy."""
        await self._strategy.reset()

    async def process_frame(self, frame: Frame) -> ProcessFrameResult:
        """Feed the strategy; start the turn when it allows."""
        if isinstance(frame, InputAudioRawFrame) and self.host.bot_speaking:
            await self._strategy.append_audio(frame.audio, frame.sample_rate)
        elif isinstance(frame, TranscriptionFrame) and frame.text.strip():
            if not self.host.bot_speaking:
                await self.trigger_user_turn_started()
                return ProcessFrameResult.STOP
            await self._strategy.append_text(frame.text)
            if await self._strategy.should_interrupt():
                await self.trigger_user_turn_started()
                return ProcessFrameResult.STOP
        elif isinstance(frame, VADUserStoppedSpeakingFrame) and self.host.bot_speaking:
            if await self._strategy.should_interrupt():
                await self.trigger_user_turn_started()
        return ProcessFrameResult.CONTINUE


def start_strategies_from_interruption_strategies(
    strategies: list[Any],
) -> list[BaseUserTurnStartStrategy]:
    """Start strategies equivalent to deprecated ``interruption_strategies`` (first match wins)."""
    out: list[BaseUserTurnStartStrategy] = []
    for s in strategies:
        if isinstance(s, MinWordsInterruptionStrategy):
            out.append(MinWordsUserTurnStartStrategy(min_words=s.min_words))
        else:
            out.append(InterruptionStrategyUserTurnStartStrategy(s))
    return out
