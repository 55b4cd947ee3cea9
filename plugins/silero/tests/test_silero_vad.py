"""SileroVADAnalyzer on the bundled model: real scores at 8 and 16 kHz, the state machine, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from voxpipe.audio.vad.silero import SileroVADAnalyzer
from voxpipe.audio.vad.vad_analyzer import VADAnalyzer, VADParams, VADState

from voxpipe_silero.plugin import _speech

RATES = (8000, 16000)


def windows(analyzer: SileroVADAnalyzer, pcm: bytes) -> list[bytes]:
    size = analyzer.num_frames_required() * 2
    return [pcm[i:i + size] for i in range(0, len(pcm) - size + 1, size)]


def ready(rate: int, **kwargs) -> SileroVADAnalyzer:
    analyzer = SileroVADAnalyzer(**kwargs)
    analyzer.set_sample_rate(rate)
    return analyzer


def test_is_a_vad_analyzer_at_the_documented_path():
    assert issubclass(SileroVADAnalyzer, VADAnalyzer)
    assert isinstance(SileroVADAnalyzer().params, VADParams)


@pytest.mark.parametrize(("rate", "window"), [(8000, 256), (16000, 512)])
def test_window_is_32_ms(rate, window):
    assert ready(rate).num_frames_required() == window


@pytest.mark.parametrize("rate", [0, 22050, 24000, 44100, 48000])
def test_other_rates_are_refused_with_a_clear_message(rate):
    with pytest.raises(ValueError, match="16000 or 8000"):
        SileroVADAnalyzer(sample_rate=rate) if rate else ready(rate)


def test_constructor_rate_wins_over_the_pipeline_rate():
    analyzer = SileroVADAnalyzer(sample_rate=8000)
    analyzer.set_sample_rate(16000)
    assert analyzer.sample_rate == 8000 and analyzer.num_frames_required() == 256


@pytest.mark.parametrize("rate", RATES)
def test_silence_scores_low(rate):
    analyzer = ready(rate)
    silence = bytes(analyzer.num_frames_required() * 2)
    assert max(analyzer.voice_confidence(silence) for _ in range(20)) < 0.1


@pytest.mark.parametrize("rate", RATES)
def test_noise_scores_low(rate):
    analyzer = ready(rate)
    noise = (np.random.default_rng(0).normal(0, 300, rate) ).astype("<i2").tobytes()
    scores = [analyzer.voice_confidence(w) for w in windows(analyzer, noise)]
    assert max(scores) < 0.5, scores


@pytest.mark.parametrize("rate", RATES)
def test_piper_speech_scores_high(rate):
    analyzer = ready(rate)
    scores = [analyzer.voice_confidence(w) for w in windows(analyzer, _speech(rate))]
    speech = sum(s >= 0.7 for s in scores)
    assert max(scores) > 0.95
    assert speech >= len(scores) // 3, f"only {speech}/{len(scores)} windows scored as speech"


@pytest.mark.parametrize("rate", RATES)
async def test_speech_then_silence_runs_the_state_machine(rate):
    analyzer = ready(rate, params=VADParams(stop_secs=0.2))
    pcm = _speech(rate) + bytes(rate * 2)  # then one second of silence
    step = rate // 50 * 2  # 20 ms transport chunks
    states = [await analyzer.analyze_audio(pcm[i:i + step]) for i in range(0, len(pcm), step)]
    assert VADState.SPEAKING in states
    assert states[-1] is VADState.QUIET


def test_long_audio_resets_the_model_every_five_seconds():
    analyzer = ready(16000)
    speech = _speech(16000)
    scores = [analyzer.voice_confidence(w) for _ in range(4) for w in windows(analyzer, speech)]
    assert analyzer._windows_since_reset < analyzer._reset_windows  # it wrapped at least once
    assert max(scores[len(scores) // 2:]) > 0.95  # and still hears speech afterwards


def test_odd_or_short_buffers_do_not_raise():
    analyzer = ready(16000)
    for buffer in (b"", b"\x01", b"\x00\x01\x02", bytes(3000)):
        assert 0.0 <= analyzer.voice_confidence(buffer) <= 1.0


def test_confidence_before_set_sample_rate_is_zero():
    assert SileroVADAnalyzer().voice_confidence(bytes(1024)) == 0.0


async def test_reset_and_cleanup():
    analyzer = ready(16000)
    for w in windows(analyzer, _speech(16000)):
        analyzer.analyze_audio_sync(w)
    analyzer.reset()
    assert analyzer.state is VADState.QUIET
    await analyzer.cleanup()
    assert analyzer.voice_confidence(bytes(1024)) == 0.0
