"""FileTransport: a WAV plays the user, another records the bot, and the run ends by itself."""

import asyncio
import subprocess
import sys

import numpy as np
import pytest
from runner_support import ECHO_BOT, VOXPIPE, loud_span, read_pcm, voice, write_wav

from voxpipe.frames.frames import InputAudioRawFrame, OutputAudioRawFrame
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.pipeline.runner import PipelineRunner
from voxpipe.pipeline.task import PipelineParams, PipelineTask
from voxpipe.processors.frame_processor import FrameProcessor
from voxpipe.runner.file_transport import FileTransport, read_wav
from voxpipe.transports.base_transport import TransportParams

pytestmark = pytest.mark.timeout(60)


class DelayedEcho(FrameProcessor):
    """Plays the whole input back once it has seen `after` seconds of it."""

    def __init__(self, after: float, **kwargs):
        super().__init__(**kwargs)
        self.after, self.audio, self.rate, self.done = after, bytearray(), 16000, False
        self.input_frames = 0

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame):
            self.input_frames += 1
            self.rate = frame.sample_rate
            self.audio += frame.audio
            if not self.done and len(self.audio) / 2 / self.rate >= self.after:
                self.done = True
                await self.push_frame(
                    OutputAudioRawFrame(
                        audio=bytes(self.audio), sample_rate=self.rate, num_channels=1
                    )
                )
            return
        await self.push_frame(frame, direction)


async def run_file(transport, processor):
    task = PipelineTask(
        Pipeline([transport.input(), processor, transport.output()]),
        params=PipelineParams(audio_in_sample_rate=16000, audio_out_sample_rate=24000),
    )
    await asyncio.wait_for(PipelineRunner(handle_sigint=False, handle_sigterm=False).run(task), 40)
    return task


@pytest.mark.parametrize(
    ("rate", "channels", "width"), [(8000, 1, 1), (44100, 2, 2), (48000, 1, 3), (22050, 2, 4)]
)
def test_read_wav_any_pcm_layout(tmp_path, rate, channels, width):
    x = voice(0.5, rate)
    samples, got_rate = read_wav(write_wav(tmp_path / "a.wav", x, rate, channels, width))
    assert got_rate == rate and len(samples) == len(x)
    assert np.max(np.abs(samples - x)) < (0.02 if width == 1 else 1e-3)


def test_read_wav_rejects_non_wav(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav at all")
    with pytest.raises(ValueError, match="not a PCM WAV"):
        read_wav(bad)


async def test_plays_input_records_answer_on_the_same_timeline(tmp_path, question_wav):
    out = tmp_path / "answer.wav"
    transport = FileTransport(
        question_wav,
        out,
        TransportParams(),
        speed=4.0,
        trailing_silence_secs=1.0,
        end_quiet_secs=0.5,
    )
    events = []
    transport.add_event_handler("on_client_connected", lambda t, c: events.append(("in", c)))
    transport.add_event_handler("on_client_disconnected", lambda t, c: events.append(("out", c)))
    echo = DelayedEcho(after=1.5)  # the whole question (1.5 s), played back at once
    await run_file(transport, echo)
    # 1.5 s of input + 1 s of trailing silence, in 20 ms frames at the pipeline rate
    assert echo.input_frames == 125 and echo.rate == 16000
    assert events == [("in", str(question_wav)), ("out", str(question_wav))]
    pcm, rate = read_pcm(out)
    assert rate == 24000
    span = loud_span(pcm, rate)
    assert span is not None
    # The echo starts once 1.5 s were heard: at ~1.5 s + 0.3 s (the question's leading silence)
    # in the recording, since gaps are written as silence.
    assert 1.7 <= span[0] <= 2.3, span
    assert 0.8 <= span[1] - span[0] <= 1.2, span
    assert span[1] + 0.4 <= len(pcm) / rate < 6  # the quiet wait is in the file, and no more
    assert transport.input().finished.is_set()


async def test_silent_bot_ends_after_max_wait(tmp_path, question_wav):
    out = tmp_path / "nothing.wav"
    transport = FileTransport(
        question_wav,
        out,
        speed=10.0,
        trailing_silence_secs=0.5,
        end_quiet_secs=0.5,
        max_wait_secs=2.0,
    )

    class Sink(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            if not isinstance(frame, InputAudioRawFrame):
                await self.push_frame(frame, direction)

    loop = asyncio.get_running_loop()
    started = loop.time()
    await run_file(transport, Sink())
    assert loop.time() - started < 5  # (1.5 + 0.5 + 2 media seconds) / 10 plus start-up
    pcm, rate = read_pcm(out)
    assert loud_span(pcm, rate) is None
    assert len(pcm) / rate >= 3.5  # silence for the whole session


async def test_unreadable_input_ends_the_session(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....WAVEjunk")
    transport = FileTransport(bad, tmp_path / "o.wav", speed=10.0)
    errors = []

    class Sink(FrameProcessor):
        async def process_frame(self, frame, direction):
            await super().process_frame(frame, direction)
            await self.push_frame(frame, direction)

    task = PipelineTask(Pipeline([transport.input(), Sink(), transport.output()]))
    task.add_event_handler("on_pipeline_error", lambda t, f: errors.append(f))
    await asyncio.wait_for(PipelineRunner(handle_sigint=False, handle_sigterm=False).run(task), 20)
    assert transport.input().finished.is_set()


def test_missing_input_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        FileTransport(tmp_path / "nope.wav", tmp_path / "o.wav")


def test_voxpipe_run_file_mode_exits_zero(tmp_path, question_wav):
    out = tmp_path / "r.wav"
    proc = subprocess.run(
        [str(VOXPIPE), "run", str(ECHO_BOT), "-t", "file", "--input", str(question_wav),
         "--output", str(out), "--fast", "--trailing-silence", "2"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    pcm, rate = read_pcm(out)
    span = loud_span(pcm, rate)
    assert span is not None and span[0] > 1.3  # the echo follows the question


def test_python_bot_py_file_mode(tmp_path, question_wav):
    """`python bot.py -t file ...` goes through main() and finds bot on __main__."""
    out = tmp_path / "r.wav"
    proc = subprocess.run(
        [sys.executable, str(ECHO_BOT), "-t", "file", "--input", str(question_wav), "--output", str(out), "--fast"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert loud_span(*read_pcm(out)) is not None


def test_file_mode_needs_input_and_output(tmp_path):
    proc = subprocess.run(
        [str(VOXPIPE), "run", str(ECHO_BOT), "-t", "file", "--output", str(tmp_path / "o.wav")],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "-t file needs --input" in proc.stderr
