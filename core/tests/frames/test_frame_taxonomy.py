"""Every documented frame has the documented kind (system/data/control) and interruptibility."""

from __future__ import annotations

import pytest
import voxpipe.frames.frames as F
from voxpipe.frames.frames import (
    ControlFrame,
    DataFrame,
    Frame,
    SystemFrame,
    UninterruptibleFrame,
)

SYSTEM = [
    "StartFrame",
    "CancelFrame",
    "ErrorFrame",
    "FatalErrorFrame",
    "FrameProcessorPauseUrgentFrame",
    "FrameProcessorResumeUrgentFrame",
    "InterruptionFrame",
    "StartInterruptionFrame",
    "StopInterruptionFrame",
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
    "TaskSystemFrame",
    "CancelTaskFrame",
    "InterruptionTaskFrame",
]

DATA = [
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
    "LLMMessagesFrame",
    "LLMRunFrame",
    "LLMContextAssistantTimestampFrame",
    "LLMThoughtTextFrame",
    "LLMSetToolsFrame",
    "LLMSetToolChoiceFrame",
    "LLMEnablePromptCachingFrame",
    "LLMConfigureOutputFrame",
    "FunctionCallResultFrame",
    "TranscriptionUpdateFrame",
]

CONTROL = [
    "EndFrame",
    "StopFrame",
    "OutputTransportReadyFrame",
    "HeartbeatFrame",
    "FrameProcessorPauseFrame",
    "FrameProcessorResumeFrame",
    "LLMFullResponseStartFrame",
    "LLMFullResponseEndFrame",
    "VisionFullResponseStartFrame",
    "VisionFullResponseEndFrame",
    "LLMAssistantPushAggregationFrame",
    "LLMSummarizeContextFrame",
    "LLMContextSummaryRequestFrame",
    "LLMContextSummaryResultFrame",
    "LLMThoughtStartFrame",
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
]

UNINTERRUPTIBLE = [
    "EndFrame",
    "StopFrame",
    "EndTaskFrame",
    "StopTaskFrame",
    "FunctionCallInProgressFrame",
    "FunctionCallResultFrame",
    "LLMContextSummaryResultFrame",
    "ServiceUpdateSettingsFrame",
    "LLMUpdateSettingsFrame",
    "TTSUpdateSettingsFrame",
    "STTUpdateSettingsFrame",
]


def test_lists_do_not_overlap() -> None:
    assert not set(SYSTEM) & set(DATA)
    assert not set(SYSTEM) & set(CONTROL)
    assert not set(DATA) & set(CONTROL)


@pytest.mark.parametrize("name", SYSTEM)
def test_system_frames_are_system_frames(name: str) -> None:
    cls = getattr(F, name)
    assert issubclass(cls, SystemFrame)
    assert not issubclass(cls, ControlFrame)
    assert not issubclass(cls, UninterruptibleFrame)


@pytest.mark.parametrize("name", DATA)
def test_data_frames_are_data_frames(name: str) -> None:
    cls = getattr(F, name)
    assert issubclass(cls, DataFrame)
    assert not issubclass(cls, (SystemFrame, ControlFrame))


@pytest.mark.parametrize("name", CONTROL)
def test_control_frames_are_control_frames(name: str) -> None:
    cls = getattr(F, name)
    assert issubclass(cls, ControlFrame)
    assert not issubclass(cls, (SystemFrame, DataFrame))


@pytest.mark.parametrize("name", sorted(set(DATA + CONTROL)))
def test_uninterruptible_exactly_where_documented(name: str) -> None:
    assert issubclass(getattr(F, name), UninterruptibleFrame) == (name in UNINTERRUPTIBLE)


def test_llm_context_frame_derives_from_frame_only() -> None:
    cls = F.LLMContextFrame
    assert issubclass(cls, Frame)
    assert not issubclass(cls, (SystemFrame, DataFrame, ControlFrame))


def test_input_text_is_a_system_frame_and_a_text_frame() -> None:
    frame = F.InputTextRawFrame("typed")
    assert isinstance(frame, SystemFrame)
    assert isinstance(frame, F.TextFrame)
    assert frame.text == "typed"
    assert frame.append_to_context is True


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("FatalErrorFrame", "ErrorFrame"),
        ("UserAudioRawFrame", "InputAudioRawFrame"),
        ("UserImageRawFrame", "InputImageRawFrame"),
        ("TTSAudioRawFrame", "OutputAudioRawFrame"),
        ("SpeechOutputAudioRawFrame", "OutputAudioRawFrame"),
        ("URLImageRawFrame", "OutputImageRawFrame"),
        ("AssistantImageRawFrame", "OutputImageRawFrame"),
        ("LLMTextFrame", "TextFrame"),
        ("AggregatedTextFrame", "TextFrame"),
        ("VisionTextFrame", "LLMTextFrame"),
        ("TTSTextFrame", "AggregatedTextFrame"),
        ("TranscriptionFrame", "TextFrame"),
        ("InterimTranscriptionFrame", "TextFrame"),
        ("TranslationFrame", "TextFrame"),
        ("VisionFullResponseStartFrame", "LLMFullResponseStartFrame"),
        ("VisionFullResponseEndFrame", "LLMFullResponseEndFrame"),
        ("LLMUpdateSettingsFrame", "ServiceUpdateSettingsFrame"),
        ("TTSUpdateSettingsFrame", "ServiceUpdateSettingsFrame"),
        ("STTUpdateSettingsFrame", "ServiceUpdateSettingsFrame"),
        ("FilterUpdateSettingsFrame", "FilterControlFrame"),
        ("FilterEnableFrame", "FilterControlFrame"),
        ("MixerUpdateSettingsFrame", "MixerControlFrame"),
        ("MixerEnableFrame", "MixerControlFrame"),
        ("ManuallySwitchServiceFrame", "ServiceSwitcherFrame"),
        ("STTMetadataFrame", "ServiceMetadataFrame"),
        ("EndTaskFrame", "TaskFrame"),
        ("StopTaskFrame", "TaskFrame"),
        ("CancelTaskFrame", "TaskSystemFrame"),
        ("InterruptionTaskFrame", "TaskSystemFrame"),
        ("StartInterruptionFrame", "InterruptionFrame"),
        ("InputAudioRawFrame", "AudioRawFrame"),
        ("OutputAudioRawFrame", "AudioRawFrame"),
        ("InputImageRawFrame", "ImageRawFrame"),
        ("OutputImageRawFrame", "ImageRawFrame"),
        ("InputDTMFFrame", "DTMFFrame"),
        ("OutputDTMFFrame", "DTMFFrame"),
        ("OutputDTMFUrgentFrame", "DTMFFrame"),
        ("InputTextRawFrame", "TextFrame"),
    ],
)
def test_documented_inheritance(child: str, parent: str) -> None:
    assert issubclass(getattr(F, child), getattr(F, parent))


def test_thought_text_is_not_text() -> None:
    assert not issubclass(F.LLMThoughtTextFrame, F.TextFrame)


def test_documented_examples_per_category() -> None:
    # The overview page names these as examples of each category.
    for name in ("TextFrame", "OutputAudioRawFrame", "LLMMessagesAppendFrame", "TTSSpeakFrame"):
        assert name in DATA
    for name in ("EndFrame", "LLMFullResponseStartFrame", "TTSStartedFrame"):
        assert name in CONTROL
    for name in ("StartFrame", "CancelFrame", "InterruptionFrame", "InputAudioRawFrame"):
        assert name in SYSTEM
