"""Incomplete-turn filtering inside ``LLMService`` (``filter_incomplete_user_turns``).

The user aggregator turns the feature on with an ``LLMUpdateSettingsFrame``
carrying ``filter_incomplete_user_turns`` and ``user_turn_completion_config``
(see :mod:`voxpipe.turns.user_turn_completion_mixin` for the markers). While it
is on, :class:`TurnCompletionDriver` does, for each pipeline completion:

1. **request** — the context sent to the provider is a copy whose system
   prompt ends with ``UserTurnCompletionConfig.instructions``; the shared
   context is not touched;
2. **stream** — every ``LLMTextFrame`` goes through the marker filter: ``✓``
   is pushed as its own ``LLMTextFrame`` with ``skip_tts=True`` and
   ``append_to_context=False`` (observers see it, TTS and the context never
   do) and the rest of the reply flows on; after ``○``/``◐`` nothing of the
   reply is pushed (the start and end frames still are); a reply that starts
   without a marker is pushed unchanged with a warning;
3. **end** — after ``○`` / ``◐`` a re-prompt is armed for
   ``incomplete_short_timeout`` / ``incomplete_long_timeout`` seconds on the
   service's ``turn_completion_clock``. When it expires the service runs a
   completion on the *current* shared context plus the matching prompt as a
   final system message (queued to itself, so it keeps frame order and is
   interruptible like any completion). The re-prompt is dropped when the user
   starts speaking (``UserStartedSpeakingFrame``), on an interruption, on a
   new context, at ``EndFrame``/``CancelFrame`` and when the feature is
   turned off. An answer to a re-prompt that is itself marked incomplete is
   suppressed and does not re-arm (no nagging loop).

Out-of-band completions (``run_inference``: summaries, classifiers) are never
filtered and never get the instructions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import LLMContextFrame, LLMTextFrame
from voxpipe.turns.timing import Timer
from voxpipe.turns.user_turn_completion_mixin import (
    TurnCompletion,
    TurnCompletionFilter,
    UserTurnCompletionConfig,
)

if TYPE_CHECKING:
    from voxpipe.processors.aggregators.llm_context import LLMContext
    from voxpipe.services.llm_service import LLMService

__all__ = ["RepromptFrame", "TurnCompletionDriver", "config_from_settings"]

logger = logging.getLogger("voxpipe")


@dataclass
class RepromptFrame(LLMContextFrame):
    """Internal: an ``LLMService`` queues this to itself when a re-prompt timeout expires.

    Attributes:
        prompt: The re-prompt, sent as a final system message.
    """

    prompt: str = ""


def config_from_settings(enabled: Any, config: Any) -> UserTurnCompletionConfig | None:
    """The configuration in effect for ``LLMSettings`` values, or None when off."""
    if enabled is not True:
        return None
    if isinstance(config, UserTurnCompletionConfig):
        return config
    if isinstance(config, Mapping):
        return UserTurnCompletionConfig(**config)
    return UserTurnCompletionConfig()


class TurnCompletionDriver:
    """Per-service state of incomplete-turn filtering; see the module docstring.

    Args:
        service: The owning LLM service (it mixes in
            :class:`~voxpipe.turns.user_turn_completion_mixin.UserTurnCompletionLLMServiceMixin`).
    """

    def __init__(self, service: LLMService) -> None:
        self._service = service
        self._filter = TurnCompletionFilter()
        self._timer: Timer | None = None
        self._context: LLMContext | None = None  # the shared context of the last turn
        self._active = False  # the current completion is filtered
        self._reprompting = False  # the current completion answers a re-prompt

    @property
    def enabled(self) -> bool:
        """Whether filtering is on."""
        return self._service.turn_completion_config is not None

    @property
    def pending(self) -> bool:
        """Whether a re-prompt is armed."""
        return self._timer is not None and self._timer.running

    def configure(self, config: UserTurnCompletionConfig | None) -> None:
        """Apply the configuration (None turns filtering off and drops a pending re-prompt)."""
        self._service.enable_turn_completion(config)
        if config is None:
            self.cancel("filtering turned off")

    def request(self, frame: LLMContextFrame) -> LLMContext:
        """Start a pipeline completion for ``frame``; returns the context to send."""
        self.cancel("a new completion")
        context = frame.context
        reprompt = frame.prompt if isinstance(frame, RepromptFrame) else None
        self._reprompting = reprompt is not None
        if not isinstance(frame, RepromptFrame):
            self._context = context
        self._active = self.enabled
        if not self._active:
            return context
        self._filter.reset()
        return self._service.turn_completion_context(context, reprompt)

    def filter(self, frame: Frame) -> list[Frame] | None:
        """Frames to push instead of ``frame``, or None to push it as it is."""
        if not self._active or not isinstance(frame, LLMTextFrame):
            return None
        marker, text = self._filter.feed(frame.text)
        out: list[Frame] = []
        if marker:
            out.append(_marker_frame(marker))
        if text:
            frame.text = text
            out.append(frame)
        return out

    def finish(self) -> list[Frame]:
        """The completion ended normally: text held back, and arm a re-prompt if incomplete."""
        if not self._active:
            return []
        self._active = False
        rest = self._filter.flush()
        verdict = self._filter.verdict
        if verdict in (TurnCompletion.INCOMPLETE_SHORT, TurnCompletion.INCOMPLETE_LONG):
            if self._reprompting:
                logger.warning(
                    "%s: the answer to a re-prompt was marked incomplete; not re-prompting again",
                    self._service,
                )
            else:
                self._arm(verdict)
        return [LLMTextFrame(rest)] if rest else []

    def abandon(self) -> None:
        """The completion was cancelled or failed: forget its filter state."""
        self._active = False

    def cancel(self, why: str) -> None:
        """Drop a pending re-prompt (logged at debug level)."""
        if self._timer is not None and self._timer.running:
            logger.debug("%s: re-prompt cancelled: %s", self._service, why)
            self._timer.cancel()

    def _arm(self, verdict: TurnCompletion) -> None:
        cfg = self._service.turn_completion_config
        if cfg is None or self._context is None:
            return
        if verdict is TurnCompletion.INCOMPLETE_SHORT:
            delay, prompt = cfg.incomplete_short_timeout, cfg.incomplete_short_prompt
        else:
            delay, prompt = cfg.incomplete_long_timeout, cfg.incomplete_long_prompt
        context = self._context

        async def fire() -> None:
            logger.debug("%s: user silent for %.1fs after an incomplete turn; re-prompting", self._service, delay)
            await self._service.queue_frame(RepromptFrame(context=context, prompt=prompt))

        self.cancel("re-armed")
        self._timer = Timer(
            self._service.turn_completion_clock,
            fire,
            create_task=self._service.create_task,
            name="turn-completion-reprompt",
        )
        logger.debug("%s: incomplete turn (%s); re-prompting in %.1fs", self._service, verdict.name, delay)
        self._timer.start(delay)


def _marker_frame(marker: str) -> LLMTextFrame:
    frame = LLMTextFrame(marker)
    frame.skip_tts = True
    frame.append_to_context = False
    return frame
