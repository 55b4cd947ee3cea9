"""Message types carried by the turn events (also exported by ``llm_response_universal``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AssistantThoughtMessage", "AssistantTurnStoppedMessage", "UserTurnStoppedMessage"]


@dataclass
class UserTurnStoppedMessage:
    """The user's side of one turn.

    Attributes:
        content: Everything the user said in the turn.
        timestamp: When the turn started (ISO 8601).
        user_id: The user's identifier, when the transport gives one.
    """

    content: str
    timestamp: str
    user_id: str | None = None


@dataclass
class AssistantTurnStoppedMessage:
    """The assistant's side of one turn: what was actually said.

    Attributes:
        content: The text that reached the user (interrupted turns: only the
            part that was spoken).
        timestamp: When the turn started (ISO 8601).
        interrupted: Whether the user cut the turn short.
    """

    content: str
    timestamp: str
    interrupted: bool = False


@dataclass
class AssistantThoughtMessage:
    """One thought of a reasoning model.

    Attributes:
        content: The thought text.
        timestamp: When the thought started (ISO 8601).
    """

    content: str
    timestamp: str
