"""BaseInputTransport: input audio (filters, passthrough, streaming gate, backlog), video, messages."""

from __future__ import annotations

import asyncio

from voxpipe.audio.filters.base_audio_filter import BaseAudioFilter
from voxpipe.frames.frames import (
    EndFrame,
    FilterEnableFrame,
    InputAudioRawFrame,
    InputImageRawFrame,
    InputTransportMessageFrame,
    UserAudioRawFrame,
)
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.testing import CaptureProcessor
from voxpipe.testing.loopback_transport import LoopbackTransport, running_task
from voxpipe.transports.base_transport import TransportParams

CHUNK = b"\x01\x00" * 320  # 20 ms at 16 kHz


def setup(**params):
    params.setdefault("audio_in_enabled", True)
    transport = LoopbackTransport(TransportParams(**params))
    up = CaptureProcessor(FrameDirection.UPSTREAM, name="Up")
    down = CaptureProcessor(FrameDirection.DOWNSTREAM, name="Down")
    task = PipelineTask(
        Pipeline([up, transport.input(), down]),
        params=PipelineParams(audio_in_sample_rate=16000),
        idle_timeout_secs=None,
        enable_rtvi=False,
    )
    return transport, task, up, down


async def finish(task, run, settle: float = 0.05):
    await asyncio.sleep(settle)
    await task.queue_frame(EndFrame())
    await asyncio.wait_for(run, 5)


def audio(frames):
    return [f for f in frames if isinstance(f, InputAudioRawFrame)]


async def test_input_audio_is_pushed_downstream_at_the_pipeline_rate():
    transport, task, _, down = setup()
    async with running_task(task) as run:
        assert transport.input().sample_rate == 16000
        await transport.input().push_audio(CHUNK)
        await transport.input().push_audio_frame(UserAudioRawFrame(CHUNK, 16000, 1, user_id="u1"))
        await finish(task, run)
    got = audio(down.frames)
    assert [type(f) for f in got] == [InputAudioRawFrame, UserAudioRawFrame]
    assert got[0].sample_rate == 16000 and got[1].user_id == "u1"


class _Halve(BaseAudioFilter):
    def __init__(self):
        self.rate = 0
        self.controls = []
        self.stopped = False

    async def start(self, sample_rate):
        self.rate = sample_rate

    async def stop(self):
        self.stopped = True

    async def process_frame(self, frame):
        self.controls.append(frame)

    async def filter(self, audio):
        return audio[: len(audio) // 2]


async def test_the_audio_filter_sees_every_chunk_and_its_control_frames():
    flt = _Halve()
    transport, task, _, down = setup(audio_in_filter=flt)
    async with running_task(task) as run:
        await transport.input().push_audio(CHUNK)
        await task.queue_frame(FilterEnableFrame(enable=False))
        await finish(task, run)
    got = audio(down.frames)
    assert len(got[0].audio) == len(CHUNK) // 2 and got[0].num_frames == 160
    assert flt.rate == 16000 and flt.stopped
    assert [type(c) for c in flt.controls] == [FilterEnableFrame]


async def test_without_passthrough_audio_stays_in_the_transport():
    transport, task, _, down = setup(audio_in_passthrough=False)
    async with running_task(task) as run:
        await transport.input().push_audio(CHUNK)
        await finish(task, run)
    assert audio(down.frames) == []


async def test_audio_waits_for_start_audio_in_streaming_when_asked():
    transport, task, _, down = setup(audio_in_stream_on_start=False)
    inp = transport.input()
    async with running_task(task) as run:
        await inp.push_audio(CHUNK)
        assert not inp.audio_in_streaming
        await inp.start_audio_in_streaming()
        await inp.push_audio(CHUNK)
        await finish(task, run)
    assert len(audio(down.frames)) == 1


async def test_a_full_backlog_drops_the_oldest_audio():
    transport, task, _, down = setup()
    inp = transport.input()
    inp.max_queued_audio_frames = 10
    async with running_task(task) as run:
        for n in range(15):  # no await yields here, so the audio task cannot drain
            await inp.push_audio_frame(InputAudioRawFrame(bytes([n, 0]), 16000, 1))
        await finish(task, run)
    assert [f.audio[0] for f in audio(down.frames)] == list(range(5, 15))


async def test_disabled_audio_input_is_ignored():
    transport, task, _, down = setup(audio_in_enabled=False)
    async with running_task(task) as run:
        await transport.input().push_audio(CHUNK)
        await finish(task, run)
    assert audio(down.frames) == []


async def test_app_messages_are_broadcast_both_ways():
    transport, task, up, down = setup()
    async with running_task(task) as run:
        await transport.input().push_app_message({"hello": 1})
        await finish(task, run)
    [sent_down] = [f for f in down.frames if isinstance(f, InputTransportMessageFrame)]
    [sent_up] = [f for f in up.frames if isinstance(f, InputTransportMessageFrame)]
    assert sent_down.message == sent_up.message == {"hello": 1}
    assert sent_down.broadcast_sibling_id == sent_up.id


async def test_video_input_only_when_enabled():
    image = InputImageRawFrame(image=b"\x00" * 3, size=(1, 1), format="RGB")
    for enabled, expected in ((True, 1), (False, 0)):
        transport, task, _, down = setup(video_in_enabled=enabled)
        async with running_task(task) as run:
            await transport.input().push_video_frame(image)
            await finish(task, run, settle=0)
        assert len([f for f in down.frames if isinstance(f, InputImageRawFrame)]) == expected
