"""BaseOutputTransport: pacing, chunking, bot speaking, silence, interruption, routing, DTMF, video."""

from __future__ import annotations

import asyncio
import time

from voxpipe.audio.mixers.base_audio_mixer import BaseAudioMixer
from voxpipe.frames.frames import (
    BotSpeakingFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    EndFrame,
    InterruptionFrame,
    KeypadEntry,
    MixerEnableFrame,
    OutputAudioRawFrame,
    OutputDTMFFrame,
    OutputDTMFUrgentFrame,
    OutputImageRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    SpriteFrame,
    TTSAudioRawFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSTextFrame,
)
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.testing import CaptureProcessor
from voxpipe.testing.loopback_transport import LoopbackTransport, running_task
from voxpipe.transports._media_clock import MediaClock
from voxpipe.transports.base_transport import TransportParams

RATE = 16000
MS = RATE * 2 // 1000  # bytes per millisecond of 16 kHz mono PCM


def speech(ms: int, rate: int = RATE) -> TTSAudioRawFrame:
    return TTSAudioRawFrame(
        audio=b"\x10\x00" * (rate * ms // 1000), sample_rate=rate, num_channels=1
    )


def setup(speed: float = 20.0, **params):
    params.setdefault("audio_out_enabled", True)
    params.setdefault("audio_out_end_silence_secs", 0)
    params.setdefault("audio_out_auto_silence", False)  # exact byte counts; gap tests turn it on
    native = _native(params)
    transport = LoopbackTransport(
        TransportParams(**params), media_clock=MediaClock(speed=speed), **native
    )
    up = CaptureProcessor(FrameDirection.UPSTREAM, name="Up")
    down = CaptureProcessor(FrameDirection.DOWNSTREAM, name="Down")
    task = PipelineTask(
        Pipeline([transport.input(), up, transport.output(), down]),
        params=PipelineParams(audio_out_sample_rate=RATE),
        idle_timeout_secs=None,
        enable_rtvi=False,
    )
    return transport, task, up, down


def _native(params: dict) -> dict:
    return {"native_dtmf": params.pop("native_dtmf")} if "native_dtmf" in params else {}


async def play(task, frames, run, settle: float = 0.0):
    await task.queue_frames(frames)
    if settle:
        await asyncio.sleep(settle)
    await task.queue_frame(EndFrame())
    await asyncio.wait_for(run, 10)


def types(frames, *classes):
    return [type(f) for f in frames if isinstance(f, classes)]


async def test_audio_is_written_in_10ms_multiples():
    transport, task, _, _ = setup(audio_out_10ms_chunks=2)
    async with running_task(task) as run:
        await play(task, [speech(100)], run)
    sizes = [len(w.frame.audio) for w in transport.output().audio]
    assert sizes == [20 * MS] * 5
    assert transport.output().audio_chunk_size == 20 * MS


async def test_default_chunk_is_40ms_and_a_tail_is_written_short():
    transport, task, _, _ = setup()
    async with running_task(task) as run:
        await play(task, [speech(100)], run)
    assert [len(w.frame.audio) for w in transport.output().audio] == [40 * MS, 40 * MS, 20 * MS]
    assert transport.output().audio_bytes() == speech(100).audio


async def test_audio_is_paced_at_playback_rate():
    transport, task, _, _ = setup(speed=1.0, audio_out_10ms_chunks=2)
    async with running_task(task) as run:
        started = time.monotonic()
        await play(task, [speech(200)], run)
        elapsed = time.monotonic() - started
    writes = transport.output().audio
    assert len(writes) == 10
    span = writes[-1].at - writes[0].at
    assert 0.15 <= span <= 0.4, span  # nine 20 ms chunks after the first
    assert elapsed >= 0.15


async def test_audio_at_another_rate_is_resampled_to_the_output_rate():
    transport, task, _, _ = setup()
    async with running_task(task) as run:
        await play(task, [speech(100, rate=24000)], run)
    written = transport.output().audio_bytes()
    assert abs(len(written) - 100 * MS) <= 4
    assert all(w.frame.sample_rate == RATE for w in transport.output().audio)


async def test_bot_speaking_frames_go_both_ways_around_speech():
    _, task, up, down = setup()
    async with running_task(task) as run:
        await play(task, [speech(200)], run)
    speaking = (BotStartedSpeakingFrame, BotSpeakingFrame, BotStoppedSpeakingFrame)
    for frames in (up.frames, down.frames):
        seen = types(frames, *speaking)
        assert seen[0] is BotStartedSpeakingFrame and seen[-1] is BotStoppedSpeakingFrame
        assert seen.count(BotStartedSpeakingFrame) == 1 and seen.count(BotStoppedSpeakingFrame) == 1
        assert BotSpeakingFrame in seen
    start_down = next(f for f in down.frames if isinstance(f, BotStartedSpeakingFrame))
    start_up = next(f for f in up.frames if isinstance(f, BotStartedSpeakingFrame))
    assert start_down.broadcast_sibling_id == start_up.id


async def test_bot_stops_speaking_after_a_long_gap_and_starts_again():
    _, task, up, _ = setup()
    async with running_task(task) as run:
        await task.queue_frame(speech(40))
        await asyncio.sleep(0.05)  # 1 s of media time: well past bot_vad_stop_secs
        await play(task, [speech(40)], run)
    seen = types(up.frames, BotStartedSpeakingFrame, BotStoppedSpeakingFrame)
    assert seen == [BotStartedSpeakingFrame, BotStoppedSpeakingFrame] * 2


async def test_written_chunks_continue_downstream_and_text_follows_its_audio():
    _, task, _, down = setup()
    async with running_task(task) as run:
        await play(
            task,
            [
                TTSStartedFrame(),
                speech(120),
                TTSTextFrame("hi", aggregated_by="sentence"),
                TTSStoppedFrame(),
            ],
            run,
        )
    order = [
        type(f)
        for f in down.frames
        if isinstance(f, (OutputAudioRawFrame, TTSTextFrame, TTSStoppedFrame))
    ]
    assert order == [OutputAudioRawFrame] * 3 + [TTSTextFrame, TTSStoppedFrame]
    assert types(down.frames, BotStoppedSpeakingFrame, EndFrame) == [
        BotStoppedSpeakingFrame,
        EndFrame,
    ]


async def test_end_silence_is_written_after_end_frame():
    transport, task, _, _ = setup(audio_out_end_silence_secs=0.5)
    async with running_task(task) as run:
        await play(task, [speech(40)], run)
    written = transport.output().audio_bytes()
    assert written[: 40 * MS] == speech(40).audio
    tail = written[40 * MS :]
    assert not any(tail) and len(tail) >= 500 * MS


async def test_no_end_silence_when_disabled():
    transport, task, _, _ = setup(audio_out_end_silence_secs=0)
    async with running_task(task) as run:
        await play(task, [speech(40)], run)
    assert transport.output().audio_bytes() == speech(40).audio


async def _gap_writes(auto_silence: bool) -> list[bytes]:
    transport, task, _, up = setup(audio_out_auto_silence=auto_silence, speed=10)
    async with running_task(task) as run:
        await task.queue_frame(speech(40))
        await asyncio.sleep(0.02)  # 0.2 s of media time: shorter than bot_vad_stop_secs
        await play(task, [speech(40)], run)
    return [w.frame.audio for w in transport.output().audio]


async def test_auto_silence_fills_gaps_while_the_bot_speaks():
    writes = await _gap_writes(True)
    first, second = [i for i, chunk in enumerate(writes) if chunk == speech(40).audio]
    assert first == 0
    assert second > 1 and all(not any(chunk) for chunk in writes[first + 1 : second])


async def test_without_auto_silence_the_writer_waits_for_audio():
    writes = await _gap_writes(False)
    assert writes == [speech(40).audio, speech(40).audio]


async def test_interruption_stops_audio_within_one_chunk():
    transport, task, up, _ = setup(speed=2.0)
    out = transport.output()
    async with running_task(task) as run:
        await task.queue_frame(speech(2000))
        while len(out.audio) < 3:
            await asyncio.sleep(0.005)
        await task.queue_frame(InterruptionFrame())
        at_interrupt = len(out.audio)
        await asyncio.sleep(0.15)
        assert len(out.audio) - at_interrupt <= 1
        assert types(up.frames, BotStoppedSpeakingFrame) == [BotStoppedSpeakingFrame]
        await play(task, [speech(40)], run)
    assert out.audio[-1].frame.audio == speech(40).audio


async def test_destinations_route_audio_and_unknown_ones_are_dropped():
    transport, task, _, _ = setup(audio_out_destinations=["stream"])
    on_stream, nowhere, default = speech(40), speech(40), speech(20)
    on_stream.transport_destination = "stream"
    nowhere.transport_destination = "missing"
    async with running_task(task) as run:
        await play(task, [on_stream, nowhere, default], run)
    out = transport.output()
    assert out.audio_bytes("stream") == on_stream.audio
    assert out.audio_bytes(None) == default.audio
    assert out.audio_bytes("missing") == b""


async def test_queued_messages_and_dtmf_wait_for_audio_urgent_ones_do_not():
    transport, task, _, _ = setup(native_dtmf=True)
    out = transport.output()
    frames = [
        speech(200),
        OutputTransportMessageFrame(message={"n": "queued"}),
        OutputDTMFFrame(button=KeypadEntry.FIVE),
    ]
    async with running_task(task) as run:
        await task.queue_frames(frames)
        await task.queue_frame(OutputTransportMessageUrgentFrame(message={"n": "urgent"}))
        await task.queue_frame(OutputDTMFUrgentFrame(button=KeypadEntry.POUND))
        await play(task, [], run)
    assert out.messages == [{"n": "urgent"}, {"n": "queued"}]
    assert [w.frame.button for w in out.dtmf] == [KeypadEntry.POUND, KeypadEntry.FIVE]
    assert out.dtmf[1].at >= out.audio[-1].at


async def test_dtmf_without_native_support_is_played_as_a_tone():
    transport, task, _, _ = setup()
    async with running_task(task) as run:
        await play(task, [OutputDTMFFrame(button=KeypadEntry.ONE)], run)
    tone = transport.output().audio_bytes()
    assert len(tone) >= 100 * MS and any(tone)


class _Hum(BaseAudioMixer):
    def __init__(self):
        self.rate = 0
        self.controls = []
        self.enabled = True

    async def start(self, sample_rate):
        self.rate = sample_rate

    async def stop(self):
        pass

    async def process_frame(self, frame):
        self.controls.append(frame)
        self.enabled = frame.enable

    async def mix(self, audio):
        return b"\x01\x00" * (len(audio) // 2) if self.enabled else audio


async def test_mixer_keeps_writing_background_and_takes_control_frames():
    hum = _Hum()
    transport, task, _, _ = setup(audio_out_mixer=hum)
    async with running_task(task) as run:
        await asyncio.sleep(0.02)
        background = len(transport.output().audio)
        await play(task, [MixerEnableFrame(enable=False)], run)
    assert hum.rate == RATE
    assert background >= 2  # written with no speech at all
    assert set(transport.output().audio[0].frame.audio) == {0, 1}
    assert [type(c) for c in hum.controls] == [MixerEnableFrame]


def _image(n: int) -> OutputImageRawFrame:
    return OutputImageRawFrame(image=bytes([n]) * 3, size=(1, 1), format="RGB")


async def test_sprite_frames_loop_at_the_frame_rate():
    transport, task, _, _ = setup(
        audio_out_enabled=False, video_out_enabled=True, video_out_framerate=10
    )
    sprite = SpriteFrame(images=[_image(1), _image(2), _image(3)])
    async with running_task(task) as run:
        await task.queue_frame(sprite)
        while len(transport.output().video) < 7:
            await asyncio.sleep(0.005)
        await play(task, [], run)
    shown = [w.frame.image[0] for w in transport.output().video][:7]
    assert shown == [1, 2, 3, 1, 2, 3, 1]
    times = [w.at for w in transport.output().video][:7]
    assert times[6] - times[0] >= 0.5  # six periods of 0.1 s (media time)


async def test_live_video_sends_each_image_once_in_order():
    params = {"audio_out_enabled": False, "video_out_enabled": True, "video_out_is_live": True}
    transport, task, _, _ = setup(**params)
    async with running_task(task) as run:
        await play(task, [_image(1), _image(2), _image(3)], run, settle=0.05)
    assert [w.frame.image[0] for w in transport.output().video] == [1, 2, 3]


async def test_a_still_image_is_repeated():
    transport, task, _, _ = setup(
        audio_out_enabled=False, video_out_enabled=True, video_out_framerate=30
    )
    async with running_task(task) as run:
        await play(task, [_image(7)], run, settle=0.03)
    shown = [w.frame.image[0] for w in transport.output().video]
    assert len(shown) >= 3 and set(shown) == {7}


async def test_audio_passes_through_when_audio_out_is_disabled():
    transport, task, _, down = setup(audio_out_enabled=False)
    async with running_task(task) as run:
        await play(task, [speech(40)], run)
    assert transport.output().audio == []
    assert types(down.frames, TTSAudioRawFrame) == [TTSAudioRawFrame]
