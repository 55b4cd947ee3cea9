"""Every public frame class, under the documented import path ``voxpipe.frames.frames``.

The classes are defined in small modules split by domain (``audio``, ``text``,
``llm``, ``lifecycle`` ...) and re-exported here, so
``from voxpipe.frames.frames import TextFrame, EndFrame`` works as the
documentation shows. Importing this module loads nothing: each domain module is imported on first
use of one of its names (PEP 562), which keeps ``import voxpipe`` fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voxpipe.frames._base import (
        AudioRawFrame,
        ControlFrame,
        DataFrame,
        DTMFFrame,
        Frame,
        ImageRawFrame,
        KeypadEntry,
        SystemFrame,
        UninterruptibleFrame,
        format_pts,
    )
    from voxpipe.frames.audio import (
        FilterControlFrame,
        FilterEnableFrame,
        FilterUpdateSettingsFrame,
        InputAudioRawFrame,
        MixerControlFrame,
        MixerEnableFrame,
        MixerUpdateSettingsFrame,
        OutputAudioRawFrame,
        SpeechOutputAudioRawFrame,
        TTSAudioRawFrame,
        TTSStartedFrame,
        TTSStoppedFrame,
        UserAudioRawFrame,
    )
    from voxpipe.frames.functions import (
        FunctionCallCancelFrame,
        FunctionCallFromLLM,
        FunctionCallInProgressFrame,
        FunctionCallResultFrame,
        FunctionCallResultProperties,
        FunctionCallsStartedFrame,
    )
    from voxpipe.frames.image import (
        AssistantImageRawFrame,
        InputImageRawFrame,
        OutputImageRawFrame,
        SpriteFrame,
        URLImageRawFrame,
        UserImageRawFrame,
        UserImageRequestFrame,
    )
    from voxpipe.frames.interruption import (
        InterruptionFrame,
        StartInterruptionFrame,
        StopInterruptionFrame,
    )
    from voxpipe.frames.lifecycle import (
        CancelFrame,
        EndFrame,
        ErrorFrame,
        FatalErrorFrame,
        FrameProcessorPauseFrame,
        FrameProcessorPauseUrgentFrame,
        FrameProcessorResumeFrame,
        FrameProcessorResumeUrgentFrame,
        HeartbeatFrame,
        StartFrame,
        StopFrame,
    )
    from voxpipe.frames.llm import (
        LLMAssistantPushAggregationFrame,
        LLMConfigureOutputFrame,
        LLMContextAssistantTimestampFrame,
        LLMContextFrame,
        LLMEnablePromptCachingFrame,
        LLMFullResponseEndFrame,
        LLMFullResponseStartFrame,
        LLMMessagesAppendFrame,
        LLMMessagesFrame,
        LLMMessagesUpdateFrame,
        LLMRunFrame,
        LLMSetToolChoiceFrame,
        LLMSetToolsFrame,
        VisionFullResponseEndFrame,
        VisionFullResponseStartFrame,
    )
    from voxpipe.frames.metrics import (
        MetricsFrame,
    )
    from voxpipe.frames.rtvi import (
        RTVIClientMessageFrame,
        RTVIServerMessageFrame,
        RTVIServerResponseFrame,
    )
    from voxpipe.frames.services import (
        LLMUpdateSettingsFrame,
        ManuallySwitchServiceFrame,
        ServiceMetadataFrame,
        ServiceSwitcherFrame,
        ServiceSwitcherRequestMetadataFrame,
        ServiceUpdateSettingsFrame,
        STTMetadataFrame,
        STTMuteFrame,
        STTUpdateSettingsFrame,
        TTSUpdateSettingsFrame,
    )
    from voxpipe.frames.summarization import (
        LLMContextSummaryRequestFrame,
        LLMContextSummaryResultFrame,
        LLMSummarizeContextFrame,
    )
    from voxpipe.frames.tasks import (
        CancelTaskFrame,
        EndTaskFrame,
        InterruptionTaskFrame,
        StopTaskFrame,
        TaskFrame,
        TaskSystemFrame,
    )
    from voxpipe.frames.text import (
        AggregatedTextFrame,
        InputTextRawFrame,
        LLMTextFrame,
        TextFrame,
        TTSSpeakFrame,
        TTSTextFrame,
        VisionTextFrame,
    )
    from voxpipe.frames.thinking import (
        LLMThoughtEndFrame,
        LLMThoughtStartFrame,
        LLMThoughtTextFrame,
    )
    from voxpipe.frames.transcription import (
        InterimTranscriptionFrame,
        TranscriptionFrame,
        TranscriptionMessage,
        TranscriptionUpdateFrame,
        TranslationFrame,
    )
    from voxpipe.frames.transport import (
        BotConnectedFrame,
        ClientConnectedFrame,
        InputDTMFFrame,
        InputTransportMessageFrame,
        OutputDTMFFrame,
        OutputDTMFUrgentFrame,
        OutputTransportMessageFrame,
        OutputTransportMessageUrgentFrame,
        OutputTransportReadyFrame,
    )
    from voxpipe.frames.turn import (
        BotSpeakingFrame,
        BotStartedSpeakingFrame,
        BotStoppedSpeakingFrame,
        UserIdleTimeoutUpdateFrame,
        UserMuteStartedFrame,
        UserMuteStoppedFrame,
        UserSpeakingFrame,
        UserStartedSpeakingFrame,
        UserStoppedSpeakingFrame,
    )
    from voxpipe.frames.vad import (
        SpeechControlParamsFrame,
        VADParamsUpdateFrame,
        VADUserSpeechPausedFrame,
        VADUserStartedSpeakingFrame,
        VADUserStoppedSpeakingFrame,
    )

_LOCATIONS: dict[str, str] = {
    "AggregatedTextFrame": "voxpipe.frames.text",
    "AssistantImageRawFrame": "voxpipe.frames.image",
    "AudioRawFrame": "voxpipe.frames._base",
    "BotConnectedFrame": "voxpipe.frames.transport",
    "BotSpeakingFrame": "voxpipe.frames.turn",
    "BotStartedSpeakingFrame": "voxpipe.frames.turn",
    "BotStoppedSpeakingFrame": "voxpipe.frames.turn",
    "CancelFrame": "voxpipe.frames.lifecycle",
    "CancelTaskFrame": "voxpipe.frames.tasks",
    "ClientConnectedFrame": "voxpipe.frames.transport",
    "ControlFrame": "voxpipe.frames._base",
    "DTMFFrame": "voxpipe.frames._base",
    "DataFrame": "voxpipe.frames._base",
    "EndFrame": "voxpipe.frames.lifecycle",
    "EndTaskFrame": "voxpipe.frames.tasks",
    "ErrorFrame": "voxpipe.frames.lifecycle",
    "FatalErrorFrame": "voxpipe.frames.lifecycle",
    "FilterControlFrame": "voxpipe.frames.audio",
    "FilterEnableFrame": "voxpipe.frames.audio",
    "FilterUpdateSettingsFrame": "voxpipe.frames.audio",
    "Frame": "voxpipe.frames._base",
    "FrameProcessorPauseFrame": "voxpipe.frames.lifecycle",
    "FrameProcessorPauseUrgentFrame": "voxpipe.frames.lifecycle",
    "FrameProcessorResumeFrame": "voxpipe.frames.lifecycle",
    "FrameProcessorResumeUrgentFrame": "voxpipe.frames.lifecycle",
    "FunctionCallCancelFrame": "voxpipe.frames.functions",
    "FunctionCallFromLLM": "voxpipe.frames.functions",
    "FunctionCallInProgressFrame": "voxpipe.frames.functions",
    "FunctionCallResultFrame": "voxpipe.frames.functions",
    "FunctionCallResultProperties": "voxpipe.frames.functions",
    "FunctionCallsStartedFrame": "voxpipe.frames.functions",
    "HeartbeatFrame": "voxpipe.frames.lifecycle",
    "ImageRawFrame": "voxpipe.frames._base",
    "InputAudioRawFrame": "voxpipe.frames.audio",
    "InputDTMFFrame": "voxpipe.frames.transport",
    "InputImageRawFrame": "voxpipe.frames.image",
    "InputTextRawFrame": "voxpipe.frames.text",
    "InputTransportMessageFrame": "voxpipe.frames.transport",
    "InterimTranscriptionFrame": "voxpipe.frames.transcription",
    "InterruptionFrame": "voxpipe.frames.interruption",
    "InterruptionTaskFrame": "voxpipe.frames.tasks",
    "KeypadEntry": "voxpipe.frames._base",
    "LLMAssistantPushAggregationFrame": "voxpipe.frames.llm",
    "LLMConfigureOutputFrame": "voxpipe.frames.llm",
    "LLMContextAssistantTimestampFrame": "voxpipe.frames.llm",
    "LLMContextFrame": "voxpipe.frames.llm",
    "LLMContextSummaryRequestFrame": "voxpipe.frames.summarization",
    "LLMContextSummaryResultFrame": "voxpipe.frames.summarization",
    "LLMEnablePromptCachingFrame": "voxpipe.frames.llm",
    "LLMFullResponseEndFrame": "voxpipe.frames.llm",
    "LLMFullResponseStartFrame": "voxpipe.frames.llm",
    "LLMMessagesAppendFrame": "voxpipe.frames.llm",
    "LLMMessagesFrame": "voxpipe.frames.llm",
    "LLMMessagesUpdateFrame": "voxpipe.frames.llm",
    "LLMRunFrame": "voxpipe.frames.llm",
    "LLMSetToolChoiceFrame": "voxpipe.frames.llm",
    "LLMSetToolsFrame": "voxpipe.frames.llm",
    "LLMSummarizeContextFrame": "voxpipe.frames.summarization",
    "LLMTextFrame": "voxpipe.frames.text",
    "LLMThoughtEndFrame": "voxpipe.frames.thinking",
    "LLMThoughtStartFrame": "voxpipe.frames.thinking",
    "LLMThoughtTextFrame": "voxpipe.frames.thinking",
    "LLMUpdateSettingsFrame": "voxpipe.frames.services",
    "ManuallySwitchServiceFrame": "voxpipe.frames.services",
    "MetricsFrame": "voxpipe.frames.metrics",
    "MixerControlFrame": "voxpipe.frames.audio",
    "MixerEnableFrame": "voxpipe.frames.audio",
    "MixerUpdateSettingsFrame": "voxpipe.frames.audio",
    "OutputAudioRawFrame": "voxpipe.frames.audio",
    "OutputDTMFFrame": "voxpipe.frames.transport",
    "OutputDTMFUrgentFrame": "voxpipe.frames.transport",
    "OutputImageRawFrame": "voxpipe.frames.image",
    "OutputTransportMessageFrame": "voxpipe.frames.transport",
    "OutputTransportMessageUrgentFrame": "voxpipe.frames.transport",
    "OutputTransportReadyFrame": "voxpipe.frames.transport",
    "RTVIClientMessageFrame": "voxpipe.frames.rtvi",
    "RTVIServerMessageFrame": "voxpipe.frames.rtvi",
    "RTVIServerResponseFrame": "voxpipe.frames.rtvi",
    "STTMetadataFrame": "voxpipe.frames.services",
    "STTMuteFrame": "voxpipe.frames.services",
    "STTUpdateSettingsFrame": "voxpipe.frames.services",
    "ServiceMetadataFrame": "voxpipe.frames.services",
    "ServiceSwitcherFrame": "voxpipe.frames.services",
    "ServiceSwitcherRequestMetadataFrame": "voxpipe.frames.services",
    "ServiceUpdateSettingsFrame": "voxpipe.frames.services",
    "SpeechControlParamsFrame": "voxpipe.frames.vad",
    "SpeechOutputAudioRawFrame": "voxpipe.frames.audio",
    "SpriteFrame": "voxpipe.frames.image",
    "StartFrame": "voxpipe.frames.lifecycle",
    "StartInterruptionFrame": "voxpipe.frames.interruption",
    "StopFrame": "voxpipe.frames.lifecycle",
    "StopInterruptionFrame": "voxpipe.frames.interruption",
    "StopTaskFrame": "voxpipe.frames.tasks",
    "SystemFrame": "voxpipe.frames._base",
    "TTSAudioRawFrame": "voxpipe.frames.audio",
    "TTSSpeakFrame": "voxpipe.frames.text",
    "TTSStartedFrame": "voxpipe.frames.audio",
    "TTSStoppedFrame": "voxpipe.frames.audio",
    "TTSTextFrame": "voxpipe.frames.text",
    "TTSUpdateSettingsFrame": "voxpipe.frames.services",
    "TaskFrame": "voxpipe.frames.tasks",
    "TaskSystemFrame": "voxpipe.frames.tasks",
    "TextFrame": "voxpipe.frames.text",
    "TranscriptionFrame": "voxpipe.frames.transcription",
    "TranscriptionMessage": "voxpipe.frames.transcription",
    "TranscriptionUpdateFrame": "voxpipe.frames.transcription",
    "TranslationFrame": "voxpipe.frames.transcription",
    "URLImageRawFrame": "voxpipe.frames.image",
    "UninterruptibleFrame": "voxpipe.frames._base",
    "UserAudioRawFrame": "voxpipe.frames.audio",
    "UserIdleTimeoutUpdateFrame": "voxpipe.frames.turn",
    "UserImageRawFrame": "voxpipe.frames.image",
    "UserImageRequestFrame": "voxpipe.frames.image",
    "UserMuteStartedFrame": "voxpipe.frames.turn",
    "UserMuteStoppedFrame": "voxpipe.frames.turn",
    "UserSpeakingFrame": "voxpipe.frames.turn",
    "UserStartedSpeakingFrame": "voxpipe.frames.turn",
    "UserStoppedSpeakingFrame": "voxpipe.frames.turn",
    "VADParamsUpdateFrame": "voxpipe.frames.vad",
    "VADUserSpeechPausedFrame": "voxpipe.frames.vad",
    "VADUserStartedSpeakingFrame": "voxpipe.frames.vad",
    "VADUserStoppedSpeakingFrame": "voxpipe.frames.vad",
    "VisionFullResponseEndFrame": "voxpipe.frames.llm",
    "VisionFullResponseStartFrame": "voxpipe.frames.llm",
    "VisionTextFrame": "voxpipe.frames.text",
    "format_pts": "voxpipe.frames._base",
}

__all__ = sorted(_LOCATIONS)


def __getattr__(name: str) -> Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LOCATIONS))
