"""Constructor fields, their order and their defaults, frame by frame."""

from __future__ import annotations

import dataclasses
import inspect
import time

import pytest
import voxpipe.frames.frames as F

REQUIRED = inspect.Parameter.empty
FACTORY = object()  # the default comes from a default_factory

# name -> ordered (field, default) of the constructor; REQUIRED for no default.
SIGNATURES: dict[str, list[tuple[str, object]]] = {
    "StartFrame": [
        ("audio_in_sample_rate", 16000),
        ("audio_out_sample_rate", 24000),
        ("allow_interruptions", False),
        ("enable_metrics", False),
        ("enable_tracing", False),
        ("enable_usage_metrics", False),
        ("interruption_strategies", FACTORY),
        ("report_only_initial_ttfb", False),
        ("tracing_context", None),
    ],
    "CancelFrame": [("reason", None)],
    "EndFrame": [("reason", None)],
    "StopFrame": [],
    "ErrorFrame": [("error", REQUIRED), ("fatal", False), ("processor", None), ("exception", None)],
    "FatalErrorFrame": [("error", REQUIRED), ("processor", None), ("exception", None)],
    "HeartbeatFrame": [("timestamp", REQUIRED)],
    "FrameProcessorPauseFrame": [("processor", REQUIRED)],
    "FrameProcessorResumeFrame": [("processor", REQUIRED)],
    "FrameProcessorPauseUrgentFrame": [("processor", REQUIRED)],
    "FrameProcessorResumeUrgentFrame": [("processor", REQUIRED)],
    "InterruptionFrame": [],
    "EndTaskFrame": [("reason", None)],
    "StopTaskFrame": [],
    "CancelTaskFrame": [("reason", None)],
    "InterruptionTaskFrame": [],
    "UserStartedSpeakingFrame": [("emulated", False)],
    "UserStoppedSpeakingFrame": [("emulated", False)],
    "UserIdleTimeoutUpdateFrame": [("timeout", REQUIRED)],
    "VADUserStartedSpeakingFrame": [("start_secs", 0.0), ("timestamp", FACTORY)],
    "VADUserStoppedSpeakingFrame": [("stop_secs", 0.0), ("timestamp", FACTORY)],
    "SpeechControlParamsFrame": [("vad_params", None), ("turn_params", None)],
    "VADParamsUpdateFrame": [("params", REQUIRED)],
    "InputAudioRawFrame": [
        ("audio", REQUIRED),
        ("sample_rate", REQUIRED),
        ("num_channels", REQUIRED),
    ],
    "UserAudioRawFrame": [
        ("audio", REQUIRED),
        ("sample_rate", REQUIRED),
        ("num_channels", REQUIRED),
        ("user_id", ""),
    ],
    "OutputAudioRawFrame": [
        ("audio", REQUIRED),
        ("sample_rate", REQUIRED),
        ("num_channels", REQUIRED),
    ],
    "TTSAudioRawFrame": [
        ("audio", REQUIRED),
        ("sample_rate", REQUIRED),
        ("num_channels", REQUIRED),
        ("context_id", None),
    ],
    "TTSStartedFrame": [("context_id", None)],
    "TTSStoppedFrame": [("context_id", None)],
    "FilterUpdateSettingsFrame": [("settings", REQUIRED)],
    "FilterEnableFrame": [("enable", REQUIRED)],
    "MixerUpdateSettingsFrame": [("settings", REQUIRED)],
    "MixerEnableFrame": [("enable", REQUIRED)],
    "InputImageRawFrame": [("image", REQUIRED), ("size", REQUIRED), ("format", REQUIRED)],
    "UserImageRawFrame": [
        ("image", REQUIRED),
        ("size", REQUIRED),
        ("format", REQUIRED),
        ("user_id", ""),
        ("text", None),
        ("append_to_context", None),
        ("request", None),
    ],
    "UserImageRequestFrame": [
        ("user_id", REQUIRED),
        ("text", None),
        ("append_to_context", None),
        ("video_source", None),
        ("function_name", None),
        ("tool_call_id", None),
        ("result_callback", None),
    ],
    "OutputImageRawFrame": [("image", REQUIRED), ("size", REQUIRED), ("format", REQUIRED)],
    "URLImageRawFrame": [
        ("image", REQUIRED),
        ("size", REQUIRED),
        ("format", REQUIRED),
        ("url", None),
    ],
    "AssistantImageRawFrame": [
        ("image", REQUIRED),
        ("size", REQUIRED),
        ("format", REQUIRED),
        ("original_data", None),
        ("original_mime_type", None),
    ],
    "SpriteFrame": [("images", REQUIRED)],
    "TextFrame": [("text", REQUIRED)],
    "LLMTextFrame": [("text", REQUIRED)],
    "AggregatedTextFrame": [("text", REQUIRED), ("aggregated_by", REQUIRED), ("context_id", None)],
    "TTSTextFrame": [("text", REQUIRED), ("aggregated_by", REQUIRED), ("context_id", None)],
    "InputTextRawFrame": [("text", REQUIRED)],
    "TTSSpeakFrame": [("text", REQUIRED), ("append_to_context", True)],
    "TranscriptionFrame": [
        ("text", REQUIRED),
        ("user_id", ""),
        ("timestamp", ""),
        ("language", None),
        ("result", None),
        ("finalized", False),
    ],
    "InterimTranscriptionFrame": [
        ("text", REQUIRED),
        ("user_id", ""),
        ("timestamp", ""),
        ("language", None),
        ("result", None),
    ],
    "TranslationFrame": [
        ("text", REQUIRED),
        ("user_id", ""),
        ("timestamp", ""),
        ("language", None),
    ],
    "TranscriptionUpdateFrame": [("messages", REQUIRED)],
    "LLMContextFrame": [("context", REQUIRED)],
    "LLMMessagesAppendFrame": [("messages", REQUIRED), ("run_llm", None)],
    "LLMMessagesUpdateFrame": [("messages", REQUIRED), ("run_llm", None)],
    "LLMRunFrame": [],
    "LLMContextAssistantTimestampFrame": [("timestamp", REQUIRED)],
    "LLMSetToolsFrame": [("tools", REQUIRED)],
    "LLMSetToolChoiceFrame": [("tool_choice", REQUIRED)],
    "LLMEnablePromptCachingFrame": [("enable", REQUIRED)],
    "LLMConfigureOutputFrame": [("skip_tts", REQUIRED)],
    "LLMFullResponseStartFrame": [],
    "LLMFullResponseEndFrame": [],
    "LLMAssistantPushAggregationFrame": [],
    "LLMThoughtStartFrame": [("append_to_context", False), ("llm", None)],
    "LLMThoughtTextFrame": [("text", REQUIRED)],
    "LLMThoughtEndFrame": [("signature", None)],
    "LLMSummarizeContextFrame": [("config", None)],
    "LLMContextSummaryRequestFrame": [
        ("request_id", REQUIRED),
        ("context", REQUIRED),
        ("min_messages_to_keep", REQUIRED),
        ("target_context_tokens", REQUIRED),
        ("summarization_prompt", REQUIRED),
        ("summarization_timeout", None),
    ],
    "LLMContextSummaryResultFrame": [
        ("request_id", REQUIRED),
        ("summary", REQUIRED),
        ("last_summarized_index", REQUIRED),
        ("error", None),
    ],
    "FunctionCallsStartedFrame": [("function_calls", REQUIRED)],
    "FunctionCallInProgressFrame": [
        ("function_name", REQUIRED),
        ("tool_call_id", REQUIRED),
        ("arguments", REQUIRED),
        ("cancel_on_interruption", False),
    ],
    "FunctionCallResultFrame": [
        ("function_name", REQUIRED),
        ("tool_call_id", REQUIRED),
        ("arguments", REQUIRED),
        ("result", REQUIRED),
        ("run_llm", None),
        ("properties", None),
    ],
    "FunctionCallCancelFrame": [("function_name", REQUIRED), ("tool_call_id", REQUIRED)],
    "FunctionCallFromLLM": [
        ("function_name", REQUIRED),
        ("tool_call_id", REQUIRED),
        ("arguments", REQUIRED),
        ("context", REQUIRED),
    ],
    "FunctionCallResultProperties": [("run_llm", None), ("on_context_updated", None)],
    "STTMuteFrame": [("mute", REQUIRED)],
    "ServiceMetadataFrame": [("service_name", REQUIRED)],
    "STTMetadataFrame": [("service_name", REQUIRED), ("ttfs_p99_latency", REQUIRED)],
    "ManuallySwitchServiceFrame": [("service", REQUIRED)],
    "ServiceSwitcherRequestMetadataFrame": [("service", REQUIRED)],
    "BotConnectedFrame": [],
    "ClientConnectedFrame": [],
    "OutputTransportReadyFrame": [],
    "InputTransportMessageFrame": [("message", REQUIRED)],
    "OutputTransportMessageFrame": [("message", REQUIRED)],
    "OutputTransportMessageUrgentFrame": [("message", REQUIRED)],
    "InputDTMFFrame": [("button", REQUIRED)],
    "OutputDTMFFrame": [("button", REQUIRED)],
    "OutputDTMFUrgentFrame": [("button", REQUIRED)],
    "MetricsFrame": [("data", REQUIRED)],
    "RTVIServerMessageFrame": [("data", REQUIRED)],
    "RTVIClientMessageFrame": [("msg_id", REQUIRED), ("type", REQUIRED), ("data", None)],
    "RTVIServerResponseFrame": [("client_msg", REQUIRED), ("data", None), ("error", None)],
    "TranscriptionMessage": [
        ("role", REQUIRED),
        ("content", REQUIRED),
        ("timestamp", None),
        ("user_id", None),
    ],
}


def _constructor(cls: type) -> list[tuple[str, object]]:
    result = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.default is not dataclasses.MISSING:
            default: object = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = FACTORY
        else:
            default = REQUIRED
        result.append((f.name, default))
    return result


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_constructor_fields_and_defaults(name: str) -> None:
    assert _constructor(getattr(F, name)) == SIGNATURES[name]


def test_start_frame_defaults_are_usable() -> None:
    a, b = F.StartFrame(), F.StartFrame()
    assert a.audio_in_sample_rate == 16000 and a.audio_out_sample_rate == 24000
    assert (
        a.interruption_strategies == []
        and a.interruption_strategies is not b.interruption_strategies
    )


def test_error_frames() -> None:
    err = F.ErrorFrame("bad input")
    assert (err.error, err.fatal, err.processor, err.exception) == ("bad input", False, None, None)
    exc = RuntimeError("x")
    fatal = F.FatalErrorFrame("gone", exception=exc)
    assert fatal.fatal is True and fatal.exception is exc
    with pytest.raises(TypeError):
        F.FatalErrorFrame("gone", fatal=False)  # type: ignore[call-arg]


def test_text_frame_non_constructor_fields() -> None:
    frame = F.TextFrame("hello")
    assert frame.skip_tts is None
    assert frame.includes_inter_frame_spaces is False
    assert frame.append_to_context is True
    with pytest.raises(TypeError):
        F.TextFrame("hello", skip_tts=True)  # type: ignore[call-arg]


def test_llm_text_includes_spacing() -> None:
    assert F.LLMTextFrame("Hi").includes_inter_frame_spaces is True
    assert F.VisionTextFrame("Hi").includes_inter_frame_spaces is True
    assert F.LLMThoughtTextFrame("hmm").includes_inter_frame_spaces is True


def test_response_boundaries_carry_skip_tts() -> None:
    for cls in (F.LLMFullResponseStartFrame, F.LLMFullResponseEndFrame):
        frame = cls()
        assert frame.skip_tts is None


def test_transcription_positional_and_documented_short_form() -> None:
    frame = F.TranscriptionFrame("hi", "user-1", "2025-01-01T00:00:00Z", None, {"raw": 1}, True)
    assert (frame.user_id, frame.result, frame.finalized) == ("user-1", {"raw": 1}, True)
    short = F.TranscriptionFrame("user input")
    assert (short.text, short.user_id, short.finalized) == ("user input", "", False)


def test_tts_speak_frame_append_to_context() -> None:
    assert F.TTSSpeakFrame("Hello!").append_to_context is True
    assert F.TTSSpeakFrame("Hello!", append_to_context=False).append_to_context is False
    assert F.TTSSpeakFrame("Hello!", append_to_context=None).append_to_context is True  # type: ignore[arg-type]


def test_output_image_sync_with_audio_is_internal() -> None:
    frame = F.OutputImageRawFrame(b"\x00" * 12, (2, 2), "RGB")
    assert frame.sync_with_audio is False
    with pytest.raises(TypeError):
        F.OutputImageRawFrame(b"", (0, 0), "RGB", sync_with_audio=True)  # type: ignore[call-arg]


def test_vad_timestamp_is_wall_clock() -> None:
    before = time.time()
    frame = F.VADUserStoppedSpeakingFrame(stop_secs=0.2)
    assert before <= frame.timestamp <= time.time()
    assert frame.stop_secs == 0.2


def test_thought_start_requires_llm_when_appending() -> None:
    assert F.LLMThoughtStartFrame(append_to_context=True, llm="anthropic").llm == "anthropic"
    with pytest.raises(ValueError):
        F.LLMThoughtStartFrame(append_to_context=True)


def test_messages_append_positional_documented_form() -> None:
    message = {"role": "user", "content": "Still there?"}
    frame = F.LLMMessagesAppendFrame([message], run_llm=True)
    assert frame.messages == [message] and frame.run_llm is True


@pytest.mark.parametrize(
    "cls", [F.LLMUpdateSettingsFrame, F.TTSUpdateSettingsFrame, F.STTUpdateSettingsFrame]
)
def test_settings_frames(cls: type) -> None:
    plain = cls()
    assert (plain.settings, plain.delta, plain.service) == ({}, None, None)
    by_dict = cls(settings={"voice": "new-voice-id"})
    assert by_dict.settings == {"voice": "new-voice-id"}
    delta, service = object(), object()
    by_delta = cls(delta=delta, service=service)
    assert by_delta.delta is delta and by_delta.service is service
    shorthand = cls(language="fr-FR")
    assert shorthand.settings == {"language": "fr-FR"}
    merged = cls({"voice": "a"}, language="de")
    assert merged.settings == {"voice": "a", "language": "de"}
    assert plain.name.startswith(f"{cls.__name__}#")


def test_settings_dict_is_copied() -> None:
    source = {"voice": "a"}
    frame = F.TTSUpdateSettingsFrame(settings=source)
    source["voice"] = "b"
    assert frame.settings == {"voice": "a"}


def test_dtmf_frames_carry_a_keypad_entry() -> None:
    frame = F.InputDTMFFrame(F.KeypadEntry.POUND)
    assert frame.button is F.KeypadEntry.POUND
    assert str(frame) == f"{frame.name}(button: #)"
    assert F.OutputDTMFFrame(button=F.KeypadEntry("1")).button.value == "1"
