"""Deprecated ``UserBotLatencyLogObserver``: logs each user-to-bot latency.

Use :class:`~voxpipe.observers.user_bot_latency_observer.UserBotLatencyObserver`
and its ``on_latency_measured`` event instead.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from voxpipe.observers.user_bot_latency_observer import UserBotLatencyObserver

__all__ = ["UserBotLatencyLogObserver"]

logger = logging.getLogger("voxpipe")


class UserBotLatencyLogObserver(UserBotLatencyObserver):
    """Deprecated: a :class:`UserBotLatencyObserver` that logs each latency at ``INFO``.

    Args:
        **kwargs: Passed to :class:`UserBotLatencyObserver`.
    """

    def __init__(self, **kwargs: Any) -> None:
        warnings.warn(
            "UserBotLatencyLogObserver is deprecated; use UserBotLatencyObserver "
            "with an on_latency_measured handler",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(**kwargs)
        self.add_event_handler("on_latency_measured", _log_latency)


def _log_latency(observer: UserBotLatencyObserver, latency: float) -> None:
    logger.info("⏱️ %s: user-to-bot latency %.3fs", observer, latency)
