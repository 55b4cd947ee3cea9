"""Transcribe a short utterance with a shortened Whisper encoder window.

Whisper's encoder always reads a 30 s window: faster-whisper pads a 2 s
question with 28 s of silence and encoding that silence is most of the cost
(about 0.8 s of the 1 s a tiny.en transcription takes on one laptop core).
CTranslate2 accepts a shorter window, and encoding 10 s instead of 30 s costs
about a third as much. The catch is that the model was trained on 30 s
windows: it is a little less accurate on a short one (on noisy Piper speech,
~2 % more word errors with 10 s; ``docs/decisions.md`` 14), and with too little
trailing silence it does not see the audio end and repeats the utterance
instead of emitting end-of-text.

This module encodes ``max(min_window_secs, duration + margin_secs)`` seconds
(8 s of trailing silence at least) and checks the result: when the decoder does not end
within a length bound proportional to the audio, or its text is repetitive
(gzip compression ratio above Whisper's own 2.4 threshold, or a phrase of three
or more words said twice at the end), it returns None and the caller
transcribes the standard way. Utterances longer than
``30 - margin_secs`` seconds always take the standard path.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ShortWindow", "transcribe_short"]

SAMPLE_RATE = 16000
HOP_LENGTH = 160  # samples per mel frame
FULL_WINDOW_SECS = 30.0
#: Whisper's own limit for a usable transcript (above it, text repeats itself).
MAX_COMPRESSION_RATIO = 2.4


@dataclass(frozen=True)
class ShortWindow:
    """How to size the shortened window.

    Attributes:
        min_window_secs: The smallest window encoded.
        margin_secs: Silence appended after the audio (at least).
    """

    min_window_secs: float = 10.0
    margin_secs: float = 8.0

    def window_secs(self, duration_secs: float) -> float | None:
        """The window for ``duration_secs`` of audio, or None when it is no shorter than 30 s."""
        window = math.ceil(max(self.min_window_secs, duration_secs + self.margin_secs))
        return float(window) if window < FULL_WINDOW_SECS else None


def _max_tokens(duration_secs: float) -> int:
    # Fast speech is about 4 words (~6 tokens) a second; anything well beyond is a loop.
    return int(12 + 8 * duration_secs)


def _repeats_itself(text: str) -> bool:
    """Whether ``text`` ends by repeating itself: "Can you repeat that? Can you repeat that?".

    The short window's failure is to say the utterance again; a span of three or
    more words said twice in a row at the end is taken as that (a person who
    really says a phrase twice only costs a 30 s re-run, not a wrong word).
    """
    words = re.findall(r"[a-z0-9']+", text.lower())
    for n in range(3, len(words) // 2 + 1):
        if words[-n:] == words[-2 * n : -n]:
            return True
    return False


def _compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def transcribe_short(
    model: Any,
    samples: np.ndarray,
    *,
    language: str | None,
    no_speech_threshold: float,
    beam_size: int = 5,
    window: ShortWindow = ShortWindow(),  # noqa: B008 - frozen, shared safely
) -> tuple[str, str | None] | None:
    """Transcribe ``samples`` (16 kHz float32 mono) in a short window.

    Args:
        model: A loaded ``faster_whisper.WhisperModel``.
        samples: The utterance.
        language: ISO code; None is only supported by English-only models.
        no_speech_threshold: Above this no-speech probability the text is dropped.
        beam_size: Beam width (1 = greedy).
        window: Window sizing.

    Returns:
        ``(text, language)``, or None when the short window cannot be trusted
        for this utterance and the caller should use the 30 s window.
    """
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_ctranslate2_storage

    duration = samples.size / SAMPLE_RATE
    window_secs = window.window_secs(duration)
    multilingual = bool(model.model.is_multilingual)
    if window_secs is None or (multilingual and language is None):
        return None
    n_samples = int(window_secs * SAMPLE_RATE)
    padded = np.zeros(n_samples, dtype=np.float32)
    padded[: samples.size] = samples
    features = model.feature_extractor(padded)[:, : n_samples // HOP_LENGTH]
    features = features[:, : features.shape[1] - features.shape[1] % 2]  # the encoder halves it
    tokenizer = Tokenizer(
        model.hf_tokenizer, multilingual, task="transcribe", language=language if multilingual else "en"
    )
    prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    encoded = model.model.encode(get_ctranslate2_storage(np.ascontiguousarray(features[None])))
    max_tokens = _max_tokens(duration)
    result = model.model.generate(
        encoded,
        [prompt],
        beam_size=beam_size,
        # CTranslate2 4.x stops a Whisper decode at half of max_length; asking for twice the
        # bound makes "reached the bound" detectable whichever way a version counts.
        max_length=2 * max_tokens,
        return_no_speech_prob=True,
        suppress_blank=True,
        suppress_tokens=[-1],
    )[0]
    tokens = result.sequences_ids[0]
    ended = len(tokens) < max_tokens - 1
    text = tokenizer.decode([t for t in tokens if t < tokenizer.eot]).strip()
    if not ended or _compression_ratio(text) > MAX_COMPRESSION_RATIO or _repeats_itself(text):
        return None
    if result.no_speech_prob > no_speech_threshold:
        text = ""
    return text, language or "en"
