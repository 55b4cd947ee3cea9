"""``RTVIObserverParams`` and the frame → handler routing of :class:`RTVIObserver`.

Import both from :mod:`voxpipe.processors.frameworks.rtvi.observer` (or the package).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voxpipe.frames import frames as F
from voxpipe.metrics import metrics as M
from voxpipe.processors.frameworks.rtvi import models as m
from voxpipe.processors.frameworks.rtvi.models import RTVIFunctionCallReportLevel as Level

if TYPE_CHECKING:
    from voxpipe.processors.frame_processor import FrameProcessor

__all__ = ["RTVIObserverParams"]


@dataclass(kw_only=True)
class RTVIObserverParams:
    """Which RTVI messages the observer sends, and how; see the module docstring for the mapping.

    Attributes:
        bot_output_enabled: Send ``bot-output``.
        bot_llm_enabled: Send ``bot-llm-started/stopped/text`` (and ``bot-transcription``).
        bot_tts_enabled: Send ``bot-tts-started/stopped/text``.
        bot_speaking_enabled: Send ``bot-started/stopped-speaking``.
        bot_audio_level_enabled: Send ``bot-audio-level``.
        user_llm_enabled: Send ``user-llm-text``.
        user_speaking_enabled: Send ``user-started/stopped-speaking``.
        user_mute_enabled: Send ``user-mute-started/stopped``.
        user_transcription_enabled: Send ``user-transcription``.
        user_audio_level_enabled: Send ``user-audio-level``.
        metrics_enabled: Send ``metrics``.
        system_logs_enabled: Send ``system-log`` for log records.
        errors_enabled: Deprecated: errors are always sent by the ``RTVIProcessor``.
        ignored_sources: Processors whose pushes are not reported.
        skip_aggregator_types: Aggregation types never sent as ``bot-output`` or
            ``bot-tts-text`` (also disable ``bot_llm_enabled`` to keep such text
            out of ``bot-llm-text``).
        bot_output_transforms: ``(aggregation_type or "*", fn(text, aggregation_type))``
            pairs applied, in order, to text before it is sent.
        audio_level_period_secs: Minimum seconds between two audio-level messages.
        function_call_report_level: Function name (or ``"*"`` for the rest) →
            :class:`RTVIFunctionCallReportLevel`.
    """

    bot_output_enabled: bool = True
    bot_llm_enabled: bool = True
    bot_tts_enabled: bool = True
    bot_speaking_enabled: bool = True
    bot_audio_level_enabled: bool = False
    user_llm_enabled: bool = True
    user_speaking_enabled: bool = True
    user_mute_enabled: bool = True
    user_transcription_enabled: bool = True
    user_audio_level_enabled: bool = False
    metrics_enabled: bool = True
    system_logs_enabled: bool = False
    errors_enabled: bool | None = None
    ignored_sources: list[FrameProcessor] = field(default_factory=list)
    skip_aggregator_types: list[str] | None = None
    bot_output_transforms: list[tuple[str, Callable[[str, str], Any]]] | None = None
    audio_level_period_secs: float = 0.15
    function_call_report_level: dict[str, Level] = field(default_factory=lambda: {"*": Level.NONE})

    def __post_init__(self) -> None:
        if self.errors_enabled is not None:
            warnings.warn(
                "RTVIObserverParams(errors_enabled=...) is deprecated; the RTVIProcessor sends errors",
                DeprecationWarning,
                stacklevel=3,
            )


# Frame class → handler name, most specific first; resolved once per concrete class.
_ROUTES: list[tuple[type, str]] = [
    (F.RTVIServerMessageFrame, "_server_message"),
    (F.RTVIServerResponseFrame, "_server_response"),
    (F.UserStartedSpeakingFrame, "_user_speaking"),
    (F.UserStoppedSpeakingFrame, "_user_speaking"),
    (F.BotStartedSpeakingFrame, "_bot_speaking"),
    (F.BotStoppedSpeakingFrame, "_bot_speaking"),
    (F.UserMuteStartedFrame, "_user_mute"),
    (F.UserMuteStoppedFrame, "_user_mute"),
    (F.TranscriptionFrame, "_transcription"),
    (F.InterimTranscriptionFrame, "_transcription"),
    (F.LLMContextFrame, "_context"),
    (F.LLMFullResponseStartFrame, "_llm_boundary"),
    (F.LLMFullResponseEndFrame, "_llm_boundary"),
    (F.LLMTextFrame, "_llm_text"),
    (F.TTSStartedFrame, "_tts_boundary"),
    (F.TTSStoppedFrame, "_tts_boundary"),
    (F.AggregatedTextFrame, "_spoken_text"),
    (F.FunctionCallsStartedFrame, "_calls_started"),
    (F.FunctionCallInProgressFrame, "_call_in_progress"),
    (F.FunctionCallResultFrame, "_call_result"),
    (F.FunctionCallCancelFrame, "_call_cancel"),
    (F.MetricsFrame, "_metrics"),
    (F.TTSAudioRawFrame, "_bot_audio"),
    (F.InputAudioRawFrame, "_user_audio"),
]
_ROUTE_CACHE: dict[type, str | None] = {}
# Reported when the output transport passes them on (once one was seen), so in spoken order.
_SPOKEN_ORDER = frozenset({"_spoken_text", "_tts_boundary"})
_SIMPLE = {
    F.UserStartedSpeakingFrame: m.RTVIUserStartedSpeakingMessage,
    F.UserStoppedSpeakingFrame: m.RTVIUserStoppedSpeakingMessage,
    F.BotStartedSpeakingFrame: m.RTVIBotStartedSpeakingMessage,
    F.BotStoppedSpeakingFrame: m.RTVIBotStoppedSpeakingMessage,
    F.UserMuteStartedFrame: m.RTVIUserMuteStartedMessage,
    F.UserMuteStoppedFrame: m.RTVIUserMuteStoppedMessage,
    F.LLMFullResponseStartFrame: m.RTVIBotLLMStartedMessage,
    F.LLMFullResponseEndFrame: m.RTVIBotLLMStoppedMessage,
    F.TTSStartedFrame: m.RTVIBotTTSStartedMessage,
    F.TTSStoppedFrame: m.RTVIBotTTSStoppedMessage,
}
_METRIC_KEYS = (
    (M.TTFBMetricsData, "ttfb"),
    (M.ProcessingMetricsData, "processing"),
    (M.LLMUsageMetricsData, "tokens"),
    (M.TTSUsageMetricsData, "characters"),
)


def _route(cls: type) -> str | None:
    try:
        return _ROUTE_CACHE[cls]
    except KeyError:
        name = next((h for base, h in _ROUTES if issubclass(cls, base)), None)
        _ROUTE_CACHE[cls] = name
        return name


def _simple_message(frame: Any) -> m.RTVIServerMessageBase:
    for cls in type(frame).__mro__:
        msg_cls = _SIMPLE.get(cls)
        if msg_cls is not None:
            return msg_cls()
    raise TypeError(type(frame))
