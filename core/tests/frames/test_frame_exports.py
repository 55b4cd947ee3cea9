"""``voxpipe.frames.frames`` offers every documented name, and stays light to import."""

from __future__ import annotations

import dataclasses
import importlib
import subprocess
import sys

import pytest
import voxpipe.frames.frames as F

# Every frame class and helper the frames reference pages (control, data, LLM,
# overview, system) and the other pages name under ``pipecat.frames.frames``.
DOCUMENTED = [
    "Frame",
    "SystemFrame",
    "DataFrame",
    "ControlFrame",
    "UninterruptibleFrame",
    "AudioRawFrame",
    "ImageRawFrame",
    "DTMFFrame",
    "KeypadEntry",
    "StartFrame",
    "EndFrame",
    "StopFrame",
    "CancelFrame",
    "ErrorFrame",
    "FatalErrorFrame",
    "OutputTransportReadyFrame",
    "HeartbeatFrame",
    "FrameProcessorPauseFrame",
    "FrameProcessorResumeFrame",
    "FrameProcessorPauseUrgentFrame",
    "FrameProcessorResumeUrgentFrame",
    "InterruptionFrame",
    "LLMFullResponseStartFrame",
    "LLMFullResponseEndFrame",
    "VisionFullResponseStartFrame",
    "VisionFullResponseEndFrame",
    "LLMAssistantPushAggregationFrame",
    "LLMSummarizeContextFrame",
    "LLMContextSummaryRequestFrame",
    "LLMContextSummaryResultFrame",
    "LLMThoughtStartFrame",
    "LLMThoughtTextFrame",
    "LLMThoughtEndFrame",
    "FunctionCallInProgressFrame",
    "TTSStartedFrame",
    "TTSStoppedFrame",
    "ServiceUpdateSettingsFrame",
    "LLMUpdateSettingsFrame",
    "TTSUpdateSettingsFrame",
    "STTUpdateSettingsFrame",
    "VADParamsUpdateFrame",
    "FilterControlFrame",
    "FilterUpdateSettingsFrame",
    "FilterEnableFrame",
    "MixerControlFrame",
    "MixerUpdateSettingsFrame",
    "MixerEnableFrame",
    "ServiceSwitcherFrame",
    "ManuallySwitchServiceFrame",
    "ServiceSwitcherRequestMetadataFrame",
    "TaskFrame",
    "EndTaskFrame",
    "StopTaskFrame",
    "TaskSystemFrame",
    "CancelTaskFrame",
    "InterruptionTaskFrame",
    "OutputAudioRawFrame",
    "TTSAudioRawFrame",
    "SpeechOutputAudioRawFrame",
    "OutputImageRawFrame",
    "URLImageRawFrame",
    "AssistantImageRawFrame",
    "SpriteFrame",
    "TextFrame",
    "LLMTextFrame",
    "AggregatedTextFrame",
    "VisionTextFrame",
    "TTSTextFrame",
    "TranscriptionFrame",
    "InterimTranscriptionFrame",
    "TranslationFrame",
    "TTSSpeakFrame",
    "OutputTransportMessageFrame",
    "OutputDTMFFrame",
    "LLMMessagesAppendFrame",
    "LLMMessagesUpdateFrame",
    "LLMRunFrame",
    "LLMContextAssistantTimestampFrame",
    "LLMSetToolsFrame",
    "LLMSetToolChoiceFrame",
    "LLMEnablePromptCachingFrame",
    "LLMConfigureOutputFrame",
    "FunctionCallResultFrame",
    "LLMContextFrame",
    "FunctionCallFromLLM",
    "FunctionCallResultProperties",
    "UserStartedSpeakingFrame",
    "UserStoppedSpeakingFrame",
    "UserSpeakingFrame",
    "UserMuteStartedFrame",
    "UserMuteStoppedFrame",
    "VADUserStartedSpeakingFrame",
    "VADUserStoppedSpeakingFrame",
    "SpeechControlParamsFrame",
    "BotStartedSpeakingFrame",
    "BotStoppedSpeakingFrame",
    "BotSpeakingFrame",
    "BotConnectedFrame",
    "ClientConnectedFrame",
    "InputAudioRawFrame",
    "UserAudioRawFrame",
    "InputImageRawFrame",
    "UserImageRawFrame",
    "InputTextRawFrame",
    "InputDTMFFrame",
    "OutputDTMFUrgentFrame",
    "InputTransportMessageFrame",
    "OutputTransportMessageUrgentFrame",
    "FunctionCallsStartedFrame",
    "FunctionCallCancelFrame",
    "UserImageRequestFrame",
    "STTMuteFrame",
    "UserIdleTimeoutUpdateFrame",
    "MetricsFrame",
    "ServiceMetadataFrame",
    "STTMetadataFrame",
    "RTVIServerMessageFrame",
    "RTVIClientMessageFrame",
    "RTVIServerResponseFrame",
    "LLMMessagesFrame",
    "TranscriptionUpdateFrame",
    "TranscriptionMessage",
]

MODULES = [
    "audio",
    "functions",
    "image",
    "interruption",
    "lifecycle",
    "llm",
    "metrics",
    "rtvi",
    "services",
    "summarization",
    "tasks",
    "text",
    "thinking",
    "transcription",
    "transport",
    "turn",
    "vad",
]


@pytest.mark.parametrize("name", sorted(set(DOCUMENTED)))
def test_documented_name_is_exported(name: str) -> None:
    assert name in F.__all__
    assert getattr(F, name).__name__ == name


def test_all_is_sorted_and_unique() -> None:
    assert F.__all__ == sorted(set(F.__all__))


def test_every_export_exists() -> None:
    missing = [name for name in F.__all__ if not hasattr(F, name)]
    assert missing == []


@pytest.mark.parametrize("module", MODULES)
def test_every_domain_module_is_reexported(module: str) -> None:
    mod = importlib.import_module(f"voxpipe.frames.{module}")
    assert set(mod.__all__) <= set(F.__all__)
    for name in mod.__all__:
        assert getattr(F, name) is getattr(mod, name)
        assert getattr(mod, name).__doc__, f"{name} has no docstring"


def test_every_frame_class_is_documented_or_deliberately_extra() -> None:
    frame_classes = {
        name for name in F.__all__ if isinstance(getattr(F, name), type) and name.endswith("Frame")
    }
    extras = frame_classes - set(DOCUMENTED)
    # Deprecated aliases, and voxpipe's early end-of-speech hint (docs/decisions.md).
    assert extras == {"StartInterruptionFrame", "StopInterruptionFrame", "VADUserSpeechPausedFrame"}


def test_every_export_is_a_dataclass_or_helper() -> None:
    helpers = {"KeypadEntry", "format_pts"}
    for name in set(F.__all__) - helpers:
        assert dataclasses.is_dataclass(getattr(F, name)), name


def test_import_is_stdlib_only() -> None:
    code = (
        "import sys, voxpipe.frames.frames, voxpipe.metrics.metrics;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'numpy', 'anyio', 'msgspec', 'soxr', 'pluggy', 'pydantic'} "
        "or (m.startswith('voxpipe.') and not m.startswith(('voxpipe.frames', 'voxpipe.metrics', 'voxpipe._namespace'))));"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert out.stdout.strip() == ""
