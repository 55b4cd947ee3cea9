"""Parameters of the context aggregators (``LLMUserAggregatorParams``, ``LLMAssistantAggregatorParams``).

Also importable from :mod:`voxpipe.processors.aggregators.llm_response_universal`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voxpipe.audio.vad.vad_analyzer import VADAnalyzer
    from voxpipe.processors.aggregators.llm_context_summarizer import (
        LLMAutoContextSummarizationConfig,
    )
    from voxpipe.turns.timing import TurnClock
    from voxpipe.turns.user_mute import BaseUserMuteStrategy
    from voxpipe.turns.user_turn_completion_mixin import UserTurnCompletionConfig
    from voxpipe.turns.user_turn_strategies import UserTurnStrategies

__all__ = ["LLMAssistantAggregatorParams", "LLMUserAggregatorParams"]


@dataclass(kw_only=True)
class LLMUserAggregatorParams:
    """How the user aggregator takes turns.

    Attributes:
        user_turn_strategies: Start/stop strategies; None means ``UserTurnStrategies()``.
        user_mute_strategies: Mute strategies, combined with OR (none: never muted).
        user_turn_stop_timeout: Seconds without a stop strategy firing (user
            silent) before the turn is ended anyway.
        user_idle_timeout: Seconds of user silence after the bot spoke before
            ``on_user_turn_idle``; 0 disables.
        vad_analyzer: Run voice activity detection in the aggregator.
        filter_incomplete_user_turns: Let the LLM suppress answers to
            incomplete turns (see ``docs/conversation.md``).
        user_turn_completion_config: Markers, timeouts and prompts for that.
        clock: Time source for every timer; None uses the event loop's.
    """

    user_turn_strategies: UserTurnStrategies | None = None
    user_mute_strategies: list[BaseUserMuteStrategy] = field(default_factory=list)
    user_turn_stop_timeout: float = 5.0
    user_idle_timeout: float = 0.0
    vad_analyzer: VADAnalyzer | None = None
    filter_incomplete_user_turns: bool = False
    user_turn_completion_config: UserTurnCompletionConfig | None = None
    clock: TurnClock | None = None


@dataclass(kw_only=True, init=False)
class LLMAssistantAggregatorParams:
    """How the assistant aggregator records the bot's side.

    Attributes:
        enable_auto_context_summarization: Summarize old messages automatically
            when the thresholds of ``auto_context_summarization_config`` are crossed.
        auto_context_summarization_config: Thresholds and summary settings;
            None uses the defaults.
        clock: Time source for the summary timeout; None uses the event loop's.

    The names ``enable_context_summarization`` and
    ``context_summarization_config`` are deprecated aliases (they warn).
    """

    enable_auto_context_summarization: bool = False
    auto_context_summarization_config: LLMAutoContextSummarizationConfig | None = None
    clock: TurnClock | None = None

    def __init__(
        self,
        *,
        enable_auto_context_summarization: bool = False,
        auto_context_summarization_config: LLMAutoContextSummarizationConfig | None = None,
        clock: TurnClock | None = None,
        **deprecated: Any,
    ) -> None:
        if "enable_context_summarization" in deprecated:
            warnings.warn(
                "enable_context_summarization is deprecated; use enable_auto_context_summarization",
                DeprecationWarning,
                stacklevel=2,
            )
            enable_auto_context_summarization = bool(deprecated.pop("enable_context_summarization"))
        if "context_summarization_config" in deprecated:
            warnings.warn(
                "context_summarization_config is deprecated; use auto_context_summarization_config",
                DeprecationWarning,
                stacklevel=2,
            )
            auto_context_summarization_config = deprecated.pop("context_summarization_config")
        if deprecated:
            raise TypeError(f"unexpected arguments: {', '.join(sorted(deprecated))}")
        self.enable_auto_context_summarization = enable_auto_context_summarization
        self.auto_context_summarization_config = auto_context_summarization_config
        self.clock = clock
