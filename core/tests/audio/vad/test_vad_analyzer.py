"""The VAD state machine, its parameters and VADProcessor."""

import pytest

from voxpipe.audio.vad.vad_analyzer import (
    VAD_CONFIDENCE,
    VAD_MIN_VOLUME,
    VAD_START_SECS,
    VAD_STOP_SECS,
    VADParams,
    VADState,
)
from voxpipe.frames.frames import (
    InputAudioRawFrame,
    SpeechControlParamsFrame,
    VADParamsUpdateFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.processors.audio.vad_processor import VADProcessor
from voxpipe.testing.fakes import FakeVADAnalyzer, silence_chunk, speech_chunk
from voxpipe.tests.utils import run_test


def test_defaults_match_the_documentation():
    p = VADParams()
    assert (p.confidence, p.start_secs, p.stop_secs, p.min_volume) == (0.7, 0.2, 0.2, 0.6)
    assert (VAD_CONFIDENCE, VAD_START_SECS, VAD_STOP_SECS, VAD_MIN_VOLUME) == (0.7, 0.2, 0.2, 0.6)


@pytest.mark.parametrize("kw", [{"confidence": 1.5}, {"min_volume": -0.1}, {"stop_secs": -1}])
def test_params_out_of_range_raise(kw):
    with pytest.raises(ValueError):
        VADParams(**kw)


def _analyzer(**kw):
    a = FakeVADAnalyzer(params=VADParams(**kw))
    a.set_sample_rate(16000)
    return a


def test_speech_must_last_start_secs_and_silence_stop_secs():
    a = _analyzer(start_secs=0.1, stop_secs=0.1)  # 5 windows of 20 ms each
    states = [a.analyze_audio_sync(speech_chunk(0.02)) for _ in range(5)]
    assert states == [VADState.STARTING] * 4 + [VADState.SPEAKING]
    states = [a.analyze_audio_sync(silence_chunk(0.02)) for _ in range(5)]
    assert states == [VADState.STOPPING] * 4 + [VADState.QUIET]


def test_short_blips_never_reach_speaking_and_short_pauses_keep_it():
    a = _analyzer(start_secs=0.1, stop_secs=0.1)
    for _ in range(3):
        a.analyze_audio_sync(speech_chunk(0.02))
    assert a.analyze_audio_sync(silence_chunk(0.02)) is VADState.QUIET
    for _ in range(5):
        a.analyze_audio_sync(speech_chunk(0.02))
    a.analyze_audio_sync(silence_chunk(0.06))
    assert a.analyze_audio_sync(speech_chunk(0.02)) is VADState.SPEAKING


def test_audio_is_buffered_into_windows():
    a = _analyzer(start_secs=0.02)
    assert a.analyze_audio_sync(speech_chunk(0.01)) is VADState.QUIET
    assert a.analyze_audio_sync(speech_chunk(0.01)) is VADState.SPEAKING


def test_low_volume_is_not_speech():
    a = _analyzer(start_secs=0.02)
    a.volume = lambda _buf: 0.1
    assert a.analyze_audio_sync(speech_chunk(0.04)) is VADState.QUIET


def test_analyzing_before_set_sample_rate_raises():
    with pytest.raises(RuntimeError):
        FakeVADAnalyzer().analyze_audio_sync(speech_chunk(0.02))


async def test_vad_processor_emits_edges_both_ways_and_announces_params():
    frames = [InputAudioRawFrame(audio=speech_chunk(0.02), sample_rate=16000, num_channels=1) for _ in range(12)]
    frames += [InputAudioRawFrame(audio=silence_chunk(0.02), sample_rate=16000, num_channels=1) for _ in range(12)]
    frames.append(VADParamsUpdateFrame(params=VADParams(stop_secs=0.8)))
    down, up = await run_test(VADProcessor(vad_analyzer=FakeVADAnalyzer()), frames_to_send=frames)
    kinds = [type(f) for f in down if not isinstance(f, InputAudioRawFrame)]
    assert kinds[0] is SpeechControlParamsFrame
    assert VADUserStartedSpeakingFrame in kinds and VADUserStoppedSpeakingFrame in kinds
    assert kinds.index(VADUserStartedSpeakingFrame) < kinds.index(VADUserStoppedSpeakingFrame)
    assert [type(f) for f in up].count(VADUserStartedSpeakingFrame) == 1
    assert down[-1].vad_params.stop_secs == 0.8
