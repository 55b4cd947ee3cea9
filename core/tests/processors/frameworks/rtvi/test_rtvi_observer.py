"""RTVIObserver: pipeline frames → server messages, with each RTVIObserverParams flag."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from voxpipe.frames.frames import (
    AggregatedTextFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    EndFrame,
    FunctionCallCancelFrame,
    FunctionCallFromLLM,
    FunctionCallInProgressFrame,
    FunctionCallResultFrame,
    FunctionCallsStartedFrame,
    InputAudioRawFrame,
    InterimTranscriptionFrame,
    LLMContextFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    MetricsFrame,
    RTVIServerMessageFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSTextFrame,
    UserMuteStartedFrame,
    UserMuteStoppedFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.metrics.metrics import LLMTokenUsage, LLMUsageMetricsData, TTFBMetricsData
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.frameworks.rtvi import RTVIFunctionCallReportLevel, RTVIObserverParams
from voxpipe.testing.loopback_transport import LoopbackTransport, running_task
from voxpipe.transports._media_clock import MediaClock
from voxpipe.transports.base_transport import TransportParams

Level = RTVIFunctionCallReportLevel


async def observe(
    frames, params: RTVIObserverParams | None = None, settle: float = 0.05, **tp
) -> list[dict[str, Any]]:
    """Run ``frames`` through input → output with RTVI on; return the messages the client got."""
    tp.setdefault("audio_out_end_silence_secs", 0)
    transport = LoopbackTransport(TransportParams(**tp), media_clock=MediaClock(speed=20))
    task = PipelineTask(
        Pipeline([transport.input(), transport.output()]),
        params=PipelineParams(audio_out_sample_rate=16000),
        rtvi_observer_params=params,
        idle_timeout_secs=None,
    )
    async with running_task(task) as run:
        await task.queue_frames(frames)
        await asyncio.sleep(settle)
        await task.queue_frame(EndFrame())
        await asyncio.wait_for(run, 5)
    return transport.output().messages


def types(messages) -> list[str]:
    return [m["type"] for m in messages]


def of(messages, type_: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["type"] == type_]


SPEAKING = [
    UserStartedSpeakingFrame(),
    UserStoppedSpeakingFrame(),
    BotStartedSpeakingFrame(),
    BotStoppedSpeakingFrame(),
]


async def test_speaking_and_mute_messages():
    msgs = await observe([*SPEAKING, UserMuteStartedFrame(), UserMuteStoppedFrame()])
    assert types(msgs) == [
        "user-started-speaking",
        "user-stopped-speaking",
        "bot-started-speaking",
        "bot-stopped-speaking",
        "user-mute-started",
        "user-mute-stopped",
    ]
    assert msgs[0] == {"type": "user-started-speaking", "label": "rtvi-ai"}


async def test_speaking_flags_off():
    params = RTVIObserverParams(
        user_speaking_enabled=False, bot_speaking_enabled=False, user_mute_enabled=False
    )
    assert await observe([*SPEAKING, UserMuteStartedFrame()], params) == []


async def test_bot_speaking_from_real_audio_is_reported_once_per_turn():
    audio = TTSAudioRawFrame(audio=b"\x10\x00" * 1600, sample_rate=16000, num_channels=1)
    msgs = await observe([audio], audio_out_enabled=True)
    assert types(msgs) == ["bot-started-speaking", "bot-stopped-speaking"]


async def test_transcriptions_final_and_interim():
    msgs = await observe(
        [InterimTranscriptionFrame("hel", "u1", "t0"), TranscriptionFrame("hello", "u1", "t1")]
    )
    assert [m["data"] for m in msgs] == [
        {"text": "hel", "user_id": "u1", "timestamp": "t0", "final": False},
        {"text": "hello", "user_id": "u1", "timestamp": "t1", "final": True},
    ]
    assert (
        await observe(
            [TranscriptionFrame("x", "u", "t")],
            RTVIObserverParams(user_transcription_enabled=False),
        )
        == []
    )


async def test_user_llm_text_from_the_context():
    context = LLMContext(
        [{"role": "system", "content": "be nice"}, {"role": "user", "content": "hi there"}]
    )
    msgs = await observe([LLMContextFrame(context=context)])
    assert of(msgs, "user-llm-text") == [
        {"type": "user-llm-text", "label": "rtvi-ai", "data": {"text": "hi there"}}
    ]
    assert (
        await observe(
            [LLMContextFrame(context=context)], RTVIObserverParams(user_llm_enabled=False)
        )
        == []
    )


async def test_llm_messages_and_the_deprecated_bot_transcription():
    frames = [
        LLMFullResponseStartFrame(),
        LLMTextFrame("Hello. "),
        LLMTextFrame("Bye"),
        LLMFullResponseEndFrame(),
    ]
    msgs = await observe(frames)
    assert types(msgs) == [
        "bot-llm-started",
        "bot-llm-text",
        "bot-transcription",
        "bot-llm-text",
        "bot-llm-stopped",
        "bot-transcription",
    ]
    assert [m["data"]["text"] for m in of(msgs, "bot-transcription")] == ["Hello.", "Bye"]
    assert await observe(frames, RTVIObserverParams(bot_llm_enabled=False)) == []


async def test_tts_messages_and_bot_output():
    frames = [TTSStartedFrame(), TTSTextFrame("Hi!", aggregated_by="sentence"), TTSStoppedFrame()]
    msgs = await observe(frames)
    assert types(msgs) == ["bot-tts-started", "bot-tts-text", "bot-output", "bot-tts-stopped"]
    assert of(msgs, "bot-output")[0]["data"] == {
        "text": "Hi!",
        "spoken": True,
        "aggregated_by": "sentence",
    }
    assert types(await observe(frames, RTVIObserverParams(bot_tts_enabled=False))) == ["bot-output"]
    no_output = await observe(frames, RTVIObserverParams(bot_output_enabled=False))
    assert types(no_output) == ["bot-tts-started", "bot-tts-text", "bot-tts-stopped"]


async def test_unspoken_aggregated_text_is_bot_output_with_spoken_false():
    msgs = await observe([AggregatedTextFrame("code here", aggregated_by="code")])
    assert msgs == [
        {
            "type": "bot-output",
            "label": "rtvi-ai",
            "data": {"text": "code here", "spoken": False, "aggregated_by": "code"},
        }
    ]


async def test_skip_aggregator_types_and_bot_output_transforms():
    params = RTVIObserverParams(
        skip_aggregator_types=["credit_card"],
        bot_output_transforms=[
            ("sentence", lambda text, kind: text.replace("1", "#")),
            ("*", lambda t, k: t.upper()),
        ],
    )
    frames = [
        TTSTextFrame("card 1234", aggregated_by="credit_card"),
        TTSTextFrame("call 1 now", aggregated_by="sentence"),
        AggregatedTextFrame("word", aggregated_by="word"),
    ]
    msgs = await observe(frames, params)
    assert [m["data"]["text"] for m in of(msgs, "bot-output")] == ["CALL # NOW", "WORD"]
    assert [m["data"]["text"] for m in of(msgs, "bot-tts-text")] == ["CALL # NOW"]


def _calls():
    call = FunctionCallFromLLM(
        function_name="get_weather", tool_call_id="t1", arguments={"city": "Oslo"}, context=None
    )
    return [
        FunctionCallsStartedFrame(function_calls=[call]),
        FunctionCallInProgressFrame(
            function_name="get_weather", tool_call_id="t1", arguments={"city": "Oslo"}
        ),
        FunctionCallResultFrame(
            function_name="get_weather", tool_call_id="t1", arguments={"city": "Oslo"}, result=3
        ),
        FunctionCallCancelFrame(function_name="get_weather", tool_call_id="t2"),
    ]


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (
            Level.NONE,
            [
                {},
                {"tool_call_id": "t1"},
                {"tool_call_id": "t1", "cancelled": False},
                {"tool_call_id": "t2", "cancelled": True},
            ],
        ),
        (
            Level.NAME,
            [
                {"function_name": "get_weather"},
                {"tool_call_id": "t1", "function_name": "get_weather"},
                {"tool_call_id": "t1", "function_name": "get_weather", "cancelled": False},
                {"tool_call_id": "t2", "function_name": "get_weather", "cancelled": True},
            ],
        ),
        (
            Level.FULL,
            [
                {"function_name": "get_weather"},
                {
                    "tool_call_id": "t1",
                    "function_name": "get_weather",
                    "arguments": {"city": "Oslo"},
                },
                {
                    "tool_call_id": "t1",
                    "function_name": "get_weather",
                    "cancelled": False,
                    "result": 3,
                },
                {"tool_call_id": "t2", "function_name": "get_weather", "cancelled": True},
            ],
        ),
        (Level.DISABLED, []),
    ],
)
async def test_function_call_report_levels(level, expected):
    params = RTVIObserverParams(function_call_report_level={"*": Level.NONE, "get_weather": level})
    msgs = await observe(_calls(), params)
    order = [
        "llm-function-call-started",
        "llm-function-call-in-progress",
        "llm-function-call-stopped",
    ]
    # the cancel frame is a system frame, so it may overtake the others: compare per type
    got = [
        m["data"]
        for t in order
        for m in sorted(of(msgs, t), key=lambda m: m["data"].get("cancelled", 0))
    ]
    assert got == expected


async def test_metrics_grouped_by_kind():
    usage = LLMTokenUsage(prompt_tokens=3, completion_tokens=4, total_tokens=7)
    frame = MetricsFrame(
        data=[
            TTFBMetricsData(processor="llm", value=0.2, model="m"),
            LLMUsageMetricsData(processor="llm", value=usage),
        ]
    )
    msgs = await observe([frame])
    [metrics] = of(msgs, "metrics")
    assert metrics["data"]["ttfb"] == [{"processor": "llm", "model": "m", "value": 0.2}]
    assert metrics["data"]["tokens"][0]["value"]["total_tokens"] == 7
    assert await observe([frame], RTVIObserverParams(metrics_enabled=False)) == []


async def test_audio_levels_when_enabled():
    loud = b"\xff\x3f\x01\xc0" * 800
    frames = [InputAudioRawFrame(loud, 16000, 1), TTSAudioRawFrame(loud, 16000, 1)]
    assert await observe(frames) == []
    params = RTVIObserverParams(user_audio_level_enabled=True, bot_audio_level_enabled=True)
    msgs = await observe(frames, params)
    assert sorted(types(msgs)) == ["bot-audio-level", "user-audio-level"]
    assert all(0.0 < m["data"]["value"] <= 1.0 for m in msgs)


async def test_server_message_frames_always_reach_the_client():
    params = RTVIObserverParams(
        **{f: False for f in ("bot_output_enabled", "metrics_enabled", "bot_llm_enabled")}
    )
    msgs = await observe([RTVIServerMessageFrame(data={"n": 1})], params)
    assert msgs == [{"type": "server-message", "label": "rtvi-ai", "data": {"n": 1}}]


async def test_system_logs_when_enabled(caplog):
    import logging

    caplog.set_level(logging.INFO, logger="voxpipe")

    async def log_something():
        await asyncio.sleep(0.01)
        logging.getLogger("voxpipe").info("hello from the server")

    transport = LoopbackTransport(TransportParams())
    task = PipelineTask(
        Pipeline([transport.input(), transport.output()]),
        rtvi_observer_params=RTVIObserverParams(system_logs_enabled=True),
        idle_timeout_secs=None,
    )
    async with running_task(task) as run:
        await log_something()
        await task.queue_frame(
            UserStartedSpeakingFrame()
        )  # the observer flushes logs on its next frame
        await asyncio.sleep(0.05)
        await task.queue_frame(EndFrame())
        await asyncio.wait_for(run, 5)
    logs = [m["data"]["text"] for m in of(transport.output().messages, "system-log")]
    assert "hello from the server" in logs


async def test_ignored_sources_are_not_reported():
    transport = LoopbackTransport(TransportParams())
    task = PipelineTask(
        Pipeline([transport.input(), transport.output()]),
        rtvi_observer_params=RTVIObserverParams(ignored_sources=[]),
        idle_timeout_secs=None,
    )
    observer = task.observers[-1]
    observer.add_ignored_source(task._source)
    async with running_task(task) as run:
        await task.queue_frame(UserStartedSpeakingFrame())
        await asyncio.sleep(0.05)
        await task.queue_frame(EndFrame())
        await asyncio.wait_for(run, 5)
    # reported by the next hop instead (each push is a chance), never twice
    assert types(transport.output().messages) == ["user-started-speaking"]
