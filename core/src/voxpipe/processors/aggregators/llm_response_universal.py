"""The context aggregators, as documented: ``LLMContextAggregatorPair`` and friends.

::

    context = LLMContext(messages)
    user_aggregator, assistant_aggregator = LLMContextAggregatorPair(
        context, user_params=LLMUserAggregatorParams(vad_analyzer=...)
    )
    pipeline = Pipeline([transport.input(), stt, user_aggregator, llm, tts,
                         transport.output(), assistant_aggregator])

See ``docs/conversation.md`` for how turns, mute, idle and aggregation fit together.
"""

from __future__ import annotations

from voxpipe.processors.aggregators._context_aggregator import LLMContextAggregator
from voxpipe.processors.aggregators.llm_assistant_aggregator import LLMAssistantAggregator
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.aggregators.llm_response import (
    LLMAssistantAggregatorParams,
    LLMUserAggregatorParams,
)
from voxpipe.processors.aggregators.llm_user_aggregator import LLMUserAggregator
from voxpipe.processors.aggregators.messages import (
    AssistantThoughtMessage,
    AssistantTurnStoppedMessage,
    UserTurnStoppedMessage,
)

__all__ = [
    "AssistantThoughtMessage",
    "AssistantTurnStoppedMessage",
    "LLMAssistantAggregator",
    "LLMAssistantAggregatorParams",
    "LLMContextAggregator",
    "LLMContextAggregatorPair",
    "LLMUserAggregator",
    "LLMUserAggregatorParams",
    "UserTurnStoppedMessage",
]


class LLMContextAggregatorPair:
    """A user and an assistant aggregator sharing one context.

    Unpacks as ``user, assistant = LLMContextAggregatorPair(...)``; ``.user()``
    and ``.assistant()`` return the same objects.

    Args:
        context: The shared context.
        user_params: Turn-taking configuration of the user side.
        assistant_params: Summarization configuration of the assistant side.
    """

    def __init__(
        self,
        context: LLMContext,
        *,
        user_params: LLMUserAggregatorParams | None = None,
        assistant_params: LLMAssistantAggregatorParams | None = None,
    ) -> None:
        self._user = LLMUserAggregator(context, params=user_params)
        self._assistant = LLMAssistantAggregator(context, params=assistant_params)

    def user(self) -> LLMUserAggregator:
        """The user aggregator."""
        return self._user

    def assistant(self) -> LLMAssistantAggregator:
        """The assistant aggregator."""
        return self._assistant

    def __iter__(self):  # noqa: D105
        return iter((self._user, self._assistant))
