"""LocalSmartTurnAnalyzerV3 with the real weights on Piper-spoken clips, and model resolution."""

import time

import numpy as np
import pytest

from voxpipe.audio.turn.base_turn_analyzer import EndOfTurnState
from voxpipe_smart_turn import model as model_mod

CHUNK = 320  # 20 ms at 16 kHz


def test_missing_model_names_the_pull_command(tmp_path, monkeypatch):
    from voxpipe.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

    monkeypatch.setenv("VOXPIPE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("VOXPIPE_SMART_TURN_MODEL", raising=False)
    with pytest.raises(model_mod.SmartTurnModelNotFoundError, match="voxpipe models pull smart-turn"):
        LocalSmartTurnAnalyzerV3()
    monkeypatch.setenv("VOXPIPE_SMART_TURN_MODEL", str(tmp_path / "nope.onnx"))
    with pytest.raises(model_mod.SmartTurnModelNotFoundError, match="VOXPIPE_SMART_TURN_MODEL"):
        LocalSmartTurnAnalyzerV3()
    with pytest.raises(FileNotFoundError):
        LocalSmartTurnAnalyzerV3(smart_turn_model_path=tmp_path / "missing.onnx")


def test_resolution_order(tmp_path, monkeypatch):
    cached = tmp_path / "cache" / "models" / "smart-turn" / model_mod.MODEL_FILENAME
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"x")
    env_file, arg_file = tmp_path / "env.onnx", tmp_path / "arg.onnx"
    env_file.write_bytes(b"x")
    arg_file.write_bytes(b"x")
    monkeypatch.setenv("VOXPIPE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VOXPIPE_SMART_TURN_MODEL", raising=False)
    assert model_mod.resolve_model_path() == cached
    monkeypatch.setenv("VOXPIPE_SMART_TURN_MODEL", str(env_file))
    assert model_mod.resolve_model_path() == env_file
    assert model_mod.resolve_model_path(arg_file) == arg_file


def test_corrupt_weights_give_a_configuration_error(tmp_path):
    from voxpipe.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3
    from voxpipe.errors import ConfigurationError

    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not an onnx model")
    with pytest.raises(ConfigurationError, match="--force"):
        LocalSmartTurnAnalyzerV3(smart_turn_model_path=bad)


async def _verdict(analyzer, audio, sample_rate=16000):
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    chunk = CHUNK * sample_rate // 16000 * 2
    analyzer.set_sample_rate(sample_rate)
    analyzer.update_vad_start_secs(0.2)
    analyzer.append_audio(b"\x00\x00" * (sample_rate // 2), False)  # 0.5 s before speech
    for i in range(0, len(pcm), chunk):
        analyzer.append_audio(pcm[i:i + chunk], True)
    analyzer.append_audio(b"\x00\x00" * (sample_rate // 5), False)  # VAD stop_secs = 0.2
    state, metrics = await analyzer.analyze_end_of_turn()
    analyzer.clear()
    return state, metrics


@pytest.mark.parametrize(
    ("clip", "complete"),
    [("complete_pizza", True), ("complete_store", True),
     ("incomplete_pizza", False), ("incomplete_directions", False)],
)
async def test_piper_sentences_complete_vs_cut_off(model_path, wav, clip, complete):
    from voxpipe.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

    analyzer = LocalSmartTurnAnalyzerV3(smart_turn_model_path=model_path)
    state, metrics = await _verdict(analyzer, wav(clip))
    if complete:
        assert state is EndOfTurnState.COMPLETE and metrics.probability > 0.8, metrics
    else:
        assert state is EndOfTurnState.INCOMPLETE and metrics.probability < 0.3, metrics
    assert metrics.model == "smart-turn-v3.2-cpu"
    await analyzer.cleanup()


async def test_other_sample_rates_are_resampled(model_path, wav):
    import soxr

    from voxpipe.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

    analyzer = LocalSmartTurnAnalyzerV3(smart_turn_model_path=model_path)
    for clip, complete in (("complete_pizza", True), ("incomplete_pizza", False)):
        audio = soxr.resample(wav(clip), 16000, 8000)
        state, _ = await _verdict(analyzer, audio, sample_rate=8000)
        assert (state is EndOfTurnState.COMPLETE) is complete
    await analyzer.cleanup()


def test_prediction_time_is_reported(model_path, wav, capsys):
    from voxpipe.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

    analyzer = LocalSmartTurnAnalyzerV3(smart_turn_model_path=model_path)
    audio = wav("complete_store")
    analyzer.predict_probability(audio)  # warm up
    times = []
    for _ in range(5):
        start = time.perf_counter()
        analyzer.predict_probability(audio)
        times.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\nsmart-turn v3.2: median {1000 * sorted(times)[2]:.0f} ms/prediction (1 thread)")
