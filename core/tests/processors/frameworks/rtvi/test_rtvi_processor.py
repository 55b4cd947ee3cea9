"""RTVIProcessor: the client → server half of the protocol, over a loopback transport."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from voxpipe.frames.frames import (
    EndFrame,
    ErrorFrame,
    FunctionCallResultFrame,
    InputAudioRawFrame,
    InterruptionFrame,
    LLMConfigureOutputFrame,
    LLMMessagesAppendFrame,
    RTVIClientMessageFrame,
)
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.task import PipelineTask
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.processors.frameworks.rtvi import (
    PROTOCOL_VERSION,
    RTVIAction,
    RTVIProcessor,
    RTVIServerResponseFrame,
)
from voxpipe.testing import CaptureProcessor
from voxpipe.testing.loopback_transport import LoopbackTransport, running_task
from voxpipe.transports.base_transport import TransportParams


def client(type_: str, data: Any = None, id_: str = "c1") -> dict[str, Any]:
    message = {"label": "rtvi-ai", "type": type_, "id": id_}
    if data is not None:
        message["data"] = data
    return message


def setup(*processors, **params):
    transport = LoopbackTransport(TransportParams(**params))
    down = CaptureProcessor(FrameDirection.DOWNSTREAM, name="Down")
    task = PipelineTask(
        Pipeline([transport.input(), *processors, down, transport.output()]), idle_timeout_secs=None
    )
    return transport, task, down


async def sent(transport, type_: str, count: int = 1, timeout: float = 2.0) -> list[dict[str, Any]]:
    """The messages of ``type_`` sent to the client, once ``count`` of them arrived."""

    async def _wait():
        while True:
            found = [m for m in transport.output().messages if m.get("type") == type_]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.005)

    return await asyncio.wait_for(_wait(), timeout)


async def end(task, run):
    await task.queue_frame(EndFrame())
    await asyncio.wait_for(run, 5)


async def test_client_ready_gets_bot_ready_with_version_and_same_id():
    transport, task, _ = setup()
    ready = []
    task.rtvi.add_event_handler("on_client_ready", lambda rtvi: ready.append(rtvi))
    async with running_task(task) as run:
        await transport.input().push_app_message(
            client(
                "client-ready", {"version": "1.2.0", "about": {"library": "client-js"}}, "ab12cd34"
            )
        )
        [bot_ready] = await sent(transport, "bot-ready")
        await end(task, run)
    assert bot_ready["label"] == "rtvi-ai" and bot_ready["id"] == "ab12cd34"
    assert bot_ready["data"]["version"] == PROTOCOL_VERSION == "1.2.0"
    assert bot_ready["data"]["about"]["library"] == "voxpipe"
    assert ready == [task.rtvi] and task.rtvi.client_ready and task.rtvi.bot_ready
    assert task.rtvi.client_version == (1, 2, 0)
    assert task.rtvi.client_about == {"library": "client-js"}


async def test_a_user_handler_calling_set_bot_ready_does_not_send_it_twice():
    transport, task, _ = setup()

    @task.rtvi.event_handler("on_client_ready")
    async def on_ready(rtvi):
        await rtvi.set_bot_ready()

    async with running_task(task) as run:
        await transport.input().push_app_message(client("client-ready", {"version": "1.2.0"}))
        await sent(transport, "bot-ready")
        await asyncio.sleep(0.05)
        await end(task, run)
    assert len([m for m in transport.output().messages if m["type"] == "bot-ready"]) == 1


async def test_client_ready_starts_input_audio_streaming():
    transport, task, down = setup(audio_in_enabled=True, audio_in_stream_on_start=False)
    inp = transport.input()
    async with running_task(task) as run:
        await inp.push_audio(b"\x00\x00" * 160)
        await inp.push_app_message(client("client-ready", {"version": "1.2.0"}))
        await sent(transport, "bot-ready")
        await inp.push_audio(b"\x00\x00" * 160)
        await asyncio.sleep(0.02)
        await end(task, run)
    assert len([f for f in down.frames if isinstance(f, InputAudioRawFrame)]) == 1


async def test_client_message_becomes_a_frame_and_an_event_answered_with_server_response():
    transport, task, down = setup()

    @task.rtvi.event_handler("on_client_message")
    async def on_message(rtvi, msg):
        if msg.type == "get-language":
            await rtvi.send_server_response(msg, {"language": "en-US"})
        else:
            await rtvi.send_error_response(msg, "Unknown request type")

    async with running_task(task) as run:
        await transport.input().push_app_message(
            client("client-message", {"t": "get-language"}, "q1")
        )
        await transport.input().push_app_message(
            client("client-message", {"t": "nope", "d": {"x": 1}}, "q2")
        )
        [response] = await sent(transport, "server-response")
        [error] = await sent(transport, "error-response")
        await end(task, run)
    assert response == {
        "type": "server-response",
        "label": "rtvi-ai",
        "id": "q1",
        "data": {"t": "get-language", "d": {"language": "en-US"}},
    }
    assert error["id"] == "q2"
    assert error["data"]["error"] == error["data"]["message"] == "Unknown request type"
    frames = [f for f in down.frames if isinstance(f, RTVIClientMessageFrame)]
    assert [(f.msg_id, f.type, f.data) for f in frames] == [
        ("q1", "get-language", None),
        ("q2", "nope", {"x": 1}),
    ]


async def test_server_response_frames_from_processors_reach_the_client():
    transport, task, _ = setup()
    request = RTVIClientMessageFrame(msg_id="r1", type="ask", data=None)
    async with running_task(task) as run:
        await task.queue_frame(RTVIServerResponseFrame(client_msg=request, data={"ok": True}))
        await task.queue_frame(RTVIServerResponseFrame(client_msg=request, error="nope"))
        [response] = await sent(transport, "server-response")
        [error] = await sent(transport, "error-response")
        await end(task, run)
    assert response["id"] == "r1" and response["data"] == {"t": "ask", "d": {"ok": True}}
    assert error["id"] == "r1" and error["data"] == {"error": "nope", "message": "nope"}


async def test_send_text_interrupts_and_appends_a_user_message():
    transport, task, down = setup()
    async with running_task(task) as run:
        await transport.input().push_app_message(client("send-text", {"content": "hello"}))
        await asyncio.sleep(0.05)
        await end(task, run)
    kinds = [f for f in down.frames if isinstance(f, (InterruptionFrame, LLMMessagesAppendFrame))]
    assert isinstance(kinds[0], InterruptionFrame)
    assert kinds[1].messages == [{"role": "user", "content": "hello"}] and kinds[1].run_llm is True


async def test_send_text_without_audio_toggles_skip_tts_around_the_message():
    transport, task, down = setup()
    options = {"run_immediately": False, "audio_response": False}
    async with running_task(task) as run:
        await transport.input().push_app_message(
            client("send-text", {"content": "hi", "options": options})
        )
        await asyncio.sleep(0.05)
        await end(task, run)
    frames = [
        f
        for f in down.frames
        if isinstance(f, (InterruptionFrame, LLMMessagesAppendFrame, LLMConfigureOutputFrame))
    ]
    assert [type(f) for f in frames] == [
        LLMConfigureOutputFrame,
        LLMMessagesAppendFrame,
        LLMConfigureOutputFrame,
    ]
    assert [frames[0].skip_tts, frames[1].run_llm, frames[2].skip_tts] == [True, False, False]


async def test_function_call_result_from_the_client_is_pushed():
    transport, task, down = setup()
    data = {
        "function_name": "get_weather",
        "tool_call_id": "t1",
        "arguments": {"city": "Oslo"},
        "result": {"c": 3},
    }
    async with running_task(task) as run:
        await transport.input().push_app_message(client("llm-function-call-result", data))
        await asyncio.sleep(0.05)
        await end(task, run)
    [result] = [f for f in down.frames if isinstance(f, FunctionCallResultFrame)]
    assert (result.function_name, result.tool_call_id, result.arguments, result.result) == (
        "get_weather",
        "t1",
        {"city": "Oslo"},
        {"c": 3},
    )


async def test_disconnect_bot_ends_the_pipeline():
    transport, task, _ = setup()
    finished = []
    task.add_event_handler("on_pipeline_finished", lambda t, frame: finished.append(frame))
    async with running_task(task) as run:
        await transport.input().push_app_message(client("disconnect-bot", {}))
        await asyncio.wait_for(run, 5)
    assert isinstance(finished[0], EndFrame)


async def test_unknown_type_gets_an_error_response_with_both_keys():
    transport, task, _ = setup()
    async with running_task(task) as run:
        await transport.input().push_app_message(client("ui-event", {"x": 1}, "u9"))
        [error] = await sent(transport, "error-response")
        await end(task, run)
    assert error["id"] == "u9"
    assert error["data"] == {
        "error": "Unsupported type ui-event",
        "message": "Unsupported type ui-event",
    }


async def test_malformed_input_is_answered_and_the_session_continues():
    transport, task, _ = setup()
    inp = transport.input()
    async with running_task(task) as run:
        await inp.push_app_message("{not json")
        await inp.push_app_message({"label": "rtvi-ai", "type": "client-ready"})  # no id
        await inp.push_app_message(client("send-text", {"text": "wrong field"}, "s1"))
        await inp.push_app_message({"type": "something-else"})  # not RTVI: ignored
        errors = await sent(transport, "error", count=2)
        [bad_data] = await sent(transport, "error-response")
        await inp.push_app_message(
            '{"label": "rtvi-ai", "type": "client-ready", "id": "ok", "data": {}}'
        )
        [ready] = await sent(transport, "bot-ready")
        await end(task, run)
    for error in errors:
        assert error["data"]["error"] == error["data"]["message"]
        assert error["data"]["error"].startswith("Invalid RTVI transport message")
        assert error["data"]["fatal"] is False
    assert bad_data["id"] == "s1" and bad_data["data"]["message"].startswith("Invalid message:")
    assert ready["id"] == "ok"
    assert len(transport.output().messages) == 4


async def test_upstream_errors_are_reported_to_the_client():
    transport, task, _ = setup()
    async with running_task(task) as run:
        await task.queue_frame(ErrorFrame(error="tts failed", fatal=False), FrameDirection.UPSTREAM)
        [error] = await sent(transport, "error")
        await end(task, run)
    assert error["data"] == {"error": "tts failed", "message": "tts failed", "fatal": False}


async def test_server_messages_and_raw_audio():
    transport, task, down = setup(audio_in_enabled=True)
    pcm = b"\x01\x00" * 160
    audio = {"base64Audio": base64.b64encode(pcm).decode(), "sampleRate": 16000, "numChannels": 1}
    async with running_task(task) as run:
        await task.rtvi.send_server_message({"msg": "hi"})
        await transport.input().push_app_message(client("raw-audio", audio))
        [message] = await sent(transport, "server-message")
        await asyncio.sleep(0.05)
        await end(task, run)
    assert message == {"type": "server-message", "label": "rtvi-ai", "data": {"msg": "hi"}}
    [frame] = [f for f in down.frames if isinstance(f, InputAudioRawFrame)]
    assert frame.audio == pcm


async def test_deprecated_actions_still_answer():
    transport, task, _ = setup()

    async def handler(processor, service, arguments):
        return arguments["message"].upper()

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        task.rtvi.register_action(
            RTVIAction(service="conv", action="shout", result="string", handler=handler)
        )
    action = {
        "service": "conv",
        "action": "shout",
        "arguments": [{"name": "message", "value": "hi"}],
    }
    async with running_task(task) as run:
        await transport.input().push_app_message(client("action", action, "a1"))
        await transport.input().push_app_message(client("describe-actions", None, "a2"))
        [response] = await sent(transport, "action-response")
        [described] = await sent(transport, "actions-available")
        await end(task, run)
    assert response["id"] == "a1" and response["data"] == {"result": "HI"}
    assert described["data"]["actions"][0]["action"] == "shout"


async def test_a_custom_processor_is_used_as_is():
    rtvi = RTVIProcessor()
    transport = LoopbackTransport(TransportParams())
    task = PipelineTask(
        Pipeline([transport.input(), transport.output()]),
        rtvi_processor=rtvi,
        idle_timeout_secs=None,
    )
    assert task.rtvi is rtvi
