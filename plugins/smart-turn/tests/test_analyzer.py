"""The turn-analyzer interface and the smart-turn buffering, pinned without the model.

There is no turn-analyzer contract in voxpipe-conformance yet; these tests pin
what ``TurnAnalyzerUserTurnStopStrategy`` relies on (``BaseTurnAnalyzer``).
"""

import asyncio
import threading

import numpy as np
import pytest

from voxpipe.audio.turn.base_turn_analyzer import BaseTurnAnalyzer, EndOfTurnState
from voxpipe.audio.turn.smart_turn.base_smart_turn import BaseSmartTurn, SmartTurnParams
from voxpipe.metrics.metrics import TurnMetricsData

RATE = 16000
CHUNK = RATE // 50  # 20 ms


class FakeSmartTurn(BaseSmartTurn):
    def __init__(self, probability=0.9, delay=0.0, **kwargs):
        super().__init__(**kwargs)
        self.probability = probability
        self.delay = delay
        self.seen: list[np.ndarray] = []
        self.threads: set[str] = set()

    def _predict_endpoint(self, audio, sample_rate):
        self.threads.add(threading.current_thread().name)
        self.seen.append(audio.copy())
        if self.delay:
            import time

            time.sleep(self.delay)
        return {"prediction": int(self.probability > 0.5), "probability": self.probability}


def chunk(value: int = 1000, n: int = CHUNK) -> bytes:
    return np.full(n, value, "<i2").tobytes()


def feed(analyzer, seconds, speech, value=None):
    if value is None:
        value = 1000 if speech else 0
    states = []
    for _ in range(int(seconds * 50)):
        states.append(analyzer.append_audio(chunk(value), speech))
    return states


def test_documented_params():
    p = SmartTurnParams()
    assert (p.stop_secs, p.pre_speech_ms, p.max_duration_secs) == (3.0, 500.0, 8.0)
    assert issubclass(BaseSmartTurn, BaseTurnAnalyzer)


def test_sample_rate_from_pipeline_unless_given():
    a = FakeSmartTurn()
    assert a.sample_rate == 0
    a.set_sample_rate(8000)
    assert a.sample_rate == 8000
    b = FakeSmartTurn(sample_rate=16000)
    b.set_sample_rate(8000)
    assert b.sample_rate == 16000


def test_speech_then_silence_fallback_completes_after_stop_secs():
    a = FakeSmartTurn(params=SmartTurnParams(stop_secs=1.0))
    a.set_sample_rate(RATE)
    assert set(feed(a, 1.0, speech=False)) == {EndOfTurnState.INCOMPLETE}
    assert not a.speech_triggered
    feed(a, 0.5, speech=True)
    assert a.speech_triggered
    states = feed(a, 1.0, speech=False)
    assert states[:-1] == [EndOfTurnState.INCOMPLETE] * 49 and states[-1] is EndOfTurnState.COMPLETE
    a.clear()
    assert not a.speech_triggered


def test_speech_resets_the_silence_count():
    a = FakeSmartTurn(params=SmartTurnParams(stop_secs=1.0))
    a.set_sample_rate(RATE)
    feed(a, 0.2, speech=True)
    feed(a, 0.8, speech=False)
    feed(a, 0.2, speech=True)
    assert EndOfTurnState.COMPLETE not in feed(a, 0.8, speech=False)


async def test_no_speech_means_incomplete_without_running_the_model():
    a = FakeSmartTurn()
    a.set_sample_rate(RATE)
    feed(a, 1.0, speech=False)
    assert await a.analyze_end_of_turn() == (EndOfTurnState.INCOMPLETE, None)
    assert a.seen == []


async def test_verdict_and_metrics_off_the_event_loop():
    a = FakeSmartTurn(probability=0.93)
    a.set_sample_rate(RATE)
    feed(a, 1.0, speech=True)
    feed(a, 0.2, speech=False)
    state, metrics = await a.analyze_end_of_turn()
    assert state is EndOfTurnState.COMPLETE
    assert isinstance(metrics, TurnMetricsData)
    assert metrics.is_complete and metrics.probability == pytest.approx(0.93)
    assert metrics.e2e_processing_time_ms >= 200.0  # the 0.2 s of silence counts
    assert a.threads and threading.current_thread().name not in a.threads
    a2 = FakeSmartTurn(probability=0.1)
    a2.set_sample_rate(RATE)
    feed(a2, 0.5, speech=True)
    state, metrics = await a2.analyze_end_of_turn()
    assert state is EndOfTurnState.INCOMPLETE and not metrics.is_complete
    await a.cleanup()
    await a2.cleanup()


async def test_segment_has_pre_speech_window_and_vad_delay():
    a = FakeSmartTurn(params=SmartTurnParams(pre_speech_ms=500))
    a.set_sample_rate(RATE)
    a.update_vad_start_secs(0.2)
    feed(a, 2.0, speech=False, value=7)  # background before speech
    feed(a, 1.0, speech=True)
    feed(a, 0.2, speech=False)
    await a.analyze_end_of_turn()
    audio = a.seen[-1]
    assert audio.size == int((0.5 + 0.2 + 1.0 + 0.2) * RATE)
    assert np.allclose(audio[:CHUNK], 7 / 32768)
    await a.cleanup()


async def test_long_turn_is_cut_to_max_duration_and_memory_is_bounded():
    a = FakeSmartTurn(params=SmartTurnParams(max_duration_secs=8.0))
    a.set_sample_rate(RATE)
    feed(a, 30.0, speech=False)
    assert a._buffered <= int((0.5 + 3.0) * RATE) + CHUNK
    feed(a, 12.0, speech=True)
    assert a._buffered <= int((8.0 + 0.5) * RATE) + CHUNK
    await a.analyze_end_of_turn()
    assert a.seen[-1].size == 8 * RATE
    await a.cleanup()


async def test_slow_model_counts_as_incomplete_not_a_hang():
    a = FakeSmartTurn(probability=0.99, delay=1.0, inference_timeout_secs=0.1)
    a.set_sample_rate(RATE)
    feed(a, 0.5, speech=True)
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await a.analyze_end_of_turn() == (EndOfTurnState.INCOMPLETE, None)
    assert loop.time() - start < 0.5
    await a.cleanup()


def test_odd_and_empty_buffers_do_not_raise():
    a = FakeSmartTurn()
    a.set_sample_rate(RATE)
    assert a.append_audio(b"", True) is EndOfTurnState.INCOMPLETE
    assert a.append_audio(b"\x01", True) is EndOfTurnState.INCOMPLETE
    assert a.append_audio(b"\x01\x00\x02", True) is EndOfTurnState.INCOMPLETE
