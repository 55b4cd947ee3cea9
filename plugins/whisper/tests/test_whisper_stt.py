"""WhisperSTTService: settings, model resolution, and real transcription of Piper speech."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from voxpipe.errors import ConfigurationError
from voxpipe.frames.frames import (
    ErrorFrame,
    InputAudioRawFrame,
    STTUpdateSettingsFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.pipeline.task import PipelineParams
from voxpipe.services.stt_service import SegmentedSTTService
from voxpipe.services.whisper import stt as whisper_stt
from voxpipe.services.whisper.stt import Model, WhisperSTTService, _language_code, _wav_samples
from voxpipe.testing import drive

from voxpipe_whisper import SPEECH_SAMPLE_TEXT
from voxpipe_whisper.plugin import speech_pcm

needs_model = pytest.mark.skipif(whisper_stt.bundled_model_path() is None,
                                 reason="install voxpipe-whisper[model] for the bundled tiny.en")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def utterance(pcm: bytes, rate: int = 16000) -> list:
    step = rate // 50 * 2
    return [VADUserStartedSpeakingFrame(),
            *(InputAudioRawFrame(audio=pcm[i:i + step], sample_rate=rate, num_channels=1)
              for i in range(0, len(pcm), step)),
            VADUserStoppedSpeakingFrame()]


# -- configuration (no model needed) ---------------------------------------------------


def test_documented_import_paths_and_model_names():
    from voxpipe.services.whisper import Model as Reexported
    from voxpipe.services.whisper import WhisperSTTService as ReexportedService

    assert Reexported is Model and ReexportedService is WhisperSTTService
    assert issubclass(WhisperSTTService, SegmentedSTTService)
    assert Model.LARGE.value == "large-v3"
    assert {m.name for m in Model} >= {"TINY", "BASE", "SMALL", "MEDIUM", "LARGE", "LARGE_V3_TURBO",
                                       "DISTIL_LARGE_V2", "DISTIL_MEDIUM_EN", "TINY_EN"}


@needs_model
def test_default_settings_are_the_bundled_tiny_en():
    service = WhisperSTTService()
    assert service.settings.model == "tiny.en"
    assert service.settings.language == "en"
    assert service.settings.no_speech_prob == 0.4
    assert service._model_source == str(whisper_stt.bundled_model_path())


def test_missing_bundled_model_says_what_to_install(monkeypatch):
    monkeypatch.setattr(whisper_stt, "bundled_model_path", lambda: None)
    with pytest.raises(ConfigurationError, match=r"voxpipe-whisper\[model\]"):
        WhisperSTTService()


def test_a_model_directory_is_used_as_is(tmp_path, monkeypatch):
    monkeypatch.setattr(whisper_stt, "bundled_model_path", lambda: None)
    service = WhisperSTTService(settings=WhisperSTTService.Settings(model=str(tmp_path)))
    assert service._model_source == str(tmp_path)


def test_hub_models_are_left_to_faster_whisper(monkeypatch):
    monkeypatch.setattr(whisper_stt, "bundled_model_path", lambda: None)
    service = WhisperSTTService(settings=WhisperSTTService.Settings(model=Model.LARGE))
    assert service.settings.model == "large-v3" and service._model_source == "large-v3"


def test_deprecated_constructor_arguments_warn_and_apply(monkeypatch, tmp_path):
    with pytest.warns(DeprecationWarning, match="Settings"):
        service = WhisperSTTService(model=str(tmp_path), no_speech_prob=0.6, language="fr")
    assert (service.settings.model, service.settings.no_speech_prob, service.settings.language) == (
        str(tmp_path), 0.6, "fr")


def test_settings_win_over_defaults_and_nothing_warns(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        service = WhisperSTTService(settings=WhisperSTTService.Settings(
            model=str(tmp_path), language=None, no_speech_prob=0.5))
    assert service.settings.language is None and service.settings.no_speech_prob == 0.5


@pytest.mark.parametrize(("given", "code"), [("en", "en"), ("en-US", "en"), ("EN_gb", "en"),
                                             (None, None), ("fr", "fr")])
def test_language_codes(given, code):
    assert _language_code(given) == code


def test_a_broken_segment_is_a_clear_value_error():
    with pytest.raises(ValueError, match="not a readable WAV"):
        _wav_samples(b"RIFF....garbage")


# -- real model ------------------------------------------------------------------------------


@needs_model
@pytest.mark.slow
async def test_vad_segment_gives_one_transcription_with_the_exact_words():
    service = WhisperSTTService(device="cpu", compute_type="int8", end_timeout_secs=30)
    result = await drive(service, utterance(speech_pcm()), timeout=45)
    finals = [f for f in result.downstream if isinstance(f, TranscriptionFrame)]
    assert len(finals) == 1, [type(f).__name__ for f in result.downstream]
    assert words(finals[0].text) == words(SPEECH_SAMPLE_TEXT), finals[0].text
    assert finals[0].language == "en" and "T" in finals[0].timestamp
    assert not [f for f in result.upstream if isinstance(f, ErrorFrame)]


@needs_model
@pytest.mark.slow
async def test_8khz_input_is_resampled_for_whisper():
    import soxr

    pcm8 = soxr.resample(np.frombuffer(speech_pcm(), "<i2"), 16000, 8000).astype("<i2").tobytes()
    service = WhisperSTTService(device="cpu", compute_type="int8", end_timeout_secs=30)
    result = await drive(service, utterance(pcm8, 8000), timeout=45,
                         params=PipelineParams(audio_in_sample_rate=8000))
    finals = [f for f in result.downstream if isinstance(f, TranscriptionFrame)]
    assert [words(f.text) for f in finals] == [words(SPEECH_SAMPLE_TEXT)]


@needs_model
@pytest.mark.slow
async def test_silence_gives_no_transcript():
    service = WhisperSTTService(device="cpu", compute_type="int8", end_timeout_secs=30)
    result = await drive(service, utterance(bytes(16000)), timeout=45)
    assert not [f for f in result.downstream if isinstance(f, TranscriptionFrame) and f.text.strip()]


@needs_model
@pytest.mark.slow
async def test_inference_timeout_becomes_an_error_frame_and_the_session_ends():
    service = WhisperSTTService(device="cpu", compute_type="int8", inference_timeout_secs=0.001)
    result = await drive(service, utterance(speech_pcm()), timeout=45)
    errors = [f for f in result.upstream if isinstance(f, ErrorFrame)]
    assert errors and "inference_timeout_secs" in errors[0].error and not errors[0].fatal


@needs_model
@pytest.mark.slow
async def test_settings_update_applies_the_delta(tmp_path):
    service = WhisperSTTService(device="cpu", compute_type="int8", end_timeout_secs=30)
    result = await drive(service, [STTUpdateSettingsFrame(delta=WhisperSTTService.Settings(no_speech_prob=0.7)),
                                   *utterance(speech_pcm())], timeout=30)
    assert service.settings.no_speech_prob == 0.7
    assert [words(f.text) for f in result.downstream if isinstance(f, TranscriptionFrame)] == [
        words(SPEECH_SAMPLE_TEXT)]


def test_conformance_case_skips_with_the_install_hint_without_the_model(monkeypatch):
    from voxpipe_conformance.runner import SKIP, run_test

    from voxpipe_whisper.plugin import voxpipe_conformance_cases

    monkeypatch.setattr(whisper_stt, "bundled_model_path", lambda: None)
    (case,) = voxpipe_conformance_cases()
    outcome = run_test(case, "test_end_frame_without_input")
    assert outcome.status == SKIP and "voxpipe-whisper[model]" in outcome.reason
