"""soxr resamplers: frequency and length are preserved; streams match whole buffers."""

from __future__ import annotations

import types

import numpy as np
import pytest
from voxpipe.audio.resamplers.base_audio_resampler import BaseAudioResampler
from voxpipe.audio.resamplers.soxr_resampler import SOXRAudioResampler
from voxpipe.audio.resamplers.soxr_stream_resampler import SOXRStreamAudioResampler
from voxpipe.audio.utils import create_file_resampler, create_stream_resampler


def sine(freq: float, rate: int, secs: float = 1.0, amp: float = 10000) -> bytes:
    t = np.arange(int(rate * secs)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes()


def peak_hz(audio: bytes, rate: int) -> float:
    x = np.frombuffer(audio, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    return float(np.fft.rfftfreq(x.size, 1 / rate)[spectrum.argmax()])


def test_factories_return_the_soxr_resamplers() -> None:
    assert isinstance(create_stream_resampler(), SOXRStreamAudioResampler)
    assert isinstance(create_file_resampler(), SOXRAudioResampler)
    assert isinstance(create_file_resampler(), BaseAudioResampler)


async def test_file_resampler_round_trip_keeps_frequency_and_length() -> None:
    r = create_file_resampler()
    original = sine(440, 16000)
    down = await r.resample(original, 16000, 8000)
    up = await r.resample(down, 8000, 16000)
    assert abs(len(down) // 2 - 8000) <= 2
    assert abs(len(up) // 2 - 16000) <= 4
    assert peak_hz(down, 8000) == pytest.approx(440, abs=2)
    assert peak_hz(up, 16000) == pytest.approx(440, abs=2)


async def test_stream_resampler_round_trip_keeps_frequency() -> None:
    down_r, up_r = create_stream_resampler(), create_stream_resampler()
    original = sine(440, 16000)
    down = (
        b"".join(
            [
                await down_r.resample(original[i : i + 640], 16000, 8000)
                for i in range(0, len(original), 640)
            ]
        )
        + down_r.flush()
    )
    up = (
        b"".join(
            [await up_r.resample(down[i : i + 320], 8000, 16000) for i in range(0, len(down), 320)]
        )
        + up_r.flush()
    )
    assert peak_hz(down, 8000) == pytest.approx(440, abs=2)
    assert peak_hz(up, 16000) == pytest.approx(440, abs=2)
    assert abs(len(up) // 2 - 16000) <= 4


@pytest.mark.parametrize(
    ("in_rate", "out_rate"), [(16000, 8000), (8000, 16000), (48000, 16000), (24000, 16000)]
)
async def test_stream_chunks_plus_flush_match_whole_buffer_length(
    in_rate: int, out_rate: int
) -> None:
    audio = sine(440, in_rate)
    whole = await SOXRAudioResampler().resample(audio, in_rate, out_rate)
    stream = SOXRStreamAudioResampler()
    chunk = in_rate // 50 * 2  # 20 ms
    parts = [
        await stream.resample(audio[i : i + chunk], in_rate, out_rate)
        for i in range(0, len(audio), chunk)
    ]
    streamed = b"".join(parts)
    # Without the flush the filter delay holds some audio back ...
    assert len(streamed) <= len(whole)
    streamed += stream.flush()
    # ... with it, the stream yields as much as the whole-buffer conversion.
    assert abs(len(streamed) - len(whole)) // 2 <= 4


async def test_stream_resampled_audio_matches_whole_buffer_audio() -> None:
    audio = sine(300, 16000)
    whole = np.frombuffer(await SOXRAudioResampler().resample(audio, 16000, 8000), "<i2")
    stream = SOXRStreamAudioResampler()
    parts = [
        await stream.resample(audio[i : i + 640], 16000, 8000) for i in range(0, len(audio), 640)
    ]
    streamed = np.frombuffer(b"".join(parts) + stream.flush(), "<i2")
    n = min(whole.size, streamed.size)
    # Away from the edges the two are the same signal.
    diff = np.abs(whole[200 : n - 200].astype(int) - streamed[200 : n - 200].astype(int))
    assert diff.max() <= 20


@pytest.mark.parametrize("resampler", [SOXRAudioResampler(), SOXRStreamAudioResampler()])
async def test_identical_rates_pass_audio_through(resampler: BaseAudioResampler) -> None:
    audio = sine(440, 16000, 0.02)
    assert await resampler.resample(audio, 16000, 16000) is audio


async def test_stream_is_recreated_when_rates_change() -> None:
    stream = SOXRStreamAudioResampler(quality="QQ")
    a = b"".join([await stream.resample(sine(440, 16000, 0.02), 16000, 8000) for _ in range(10)])
    b = b"".join([await stream.resample(sine(440, 24000, 0.02), 24000, 8000) for _ in range(10)])
    assert abs(len(a) // 2 - 1600) <= 4
    assert abs(len(b) // 2 - 1600) <= 4


async def test_stream_state_is_cleared_after_a_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([0.0, 0.02, 5.0])
    fake_time = types.SimpleNamespace(monotonic=lambda: next(clock))
    monkeypatch.setattr("voxpipe.audio.resamplers.soxr_stream_resampler.time", fake_time)
    stream = SOXRStreamAudioResampler(clear_after_secs=0.2)
    chunk = sine(440, 16000, 0.02)
    await stream.resample(chunk, 16000, 8000)
    cleared: list[bool] = []
    real = stream._stream

    class Spy:
        def clear(self) -> None:
            cleared.append(True)

        def resample_chunk(self, x: np.ndarray, last: bool = False) -> np.ndarray:
            return real.resample_chunk(x, last)

    stream._stream = Spy()  # type: ignore[assignment]
    await stream.resample(chunk, 16000, 8000)  # 20 ms later: keep the state
    assert cleared == []
    await stream.resample(chunk, 16000, 8000)  # 5 s later: a new utterance
    assert cleared == [True]


@pytest.mark.parametrize("resampler", [SOXRAudioResampler(), SOXRStreamAudioResampler()])
async def test_invalid_input_is_rejected(resampler: BaseAudioResampler) -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        await resampler.resample(b"\x00\x01\x02", 16000, 8000)
    with pytest.raises(ValueError, match="positive"):
        await resampler.resample(b"\x00\x00", 0, 8000)


def test_unknown_quality_is_rejected() -> None:
    with pytest.raises(ValueError, match="quality"):
        SOXRStreamAudioResampler(quality="ultra")
