"""``SoundfileMixer``: mix sounds read from files into the output audio.

Sounds are loaded and resampled to the output rate in :meth:`SoundfileMixer.start`,
so :meth:`SoundfileMixer.mix` does only array arithmetic per chunk. Control frames:
``MixerUpdateSettingsFrame({"sound": name, "volume": v, "loop": bool})`` and
``MixerEnableFrame(enable)``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
import soxr

from voxpipe.audio.mixers.base_audio_mixer import BaseAudioMixer
from voxpipe.errors import ConfigurationError
from voxpipe.frames.frames import MixerControlFrame, MixerEnableFrame, MixerUpdateSettingsFrame

__all__ = ["SoundfileMixer"]

logger = logging.getLogger("voxpipe")


class SoundfileMixer(BaseAudioMixer):
    """Mixes one of several sound files, looped or once, into 16-bit mono output audio.

    Args:
        sound_files: Sound name mapped to a file path; files must be mono.
        default_sound: The sound played first (a key of ``sound_files``).
        volume: Gain applied to the sound before mixing (1.0 = as recorded).
        mixing: Whether mixing starts enabled.
        loop: Restart the sound when it ends (otherwise it plays once).

    Raises:
        ConfigurationError: ``default_sound`` is not one of ``sound_files``.
    """

    def __init__(
        self,
        *,
        sound_files: Mapping[str, str | Path],
        default_sound: str,
        volume: float = 0.4,
        mixing: bool = True,
        loop: bool = True,
    ) -> None:
        if default_sound not in sound_files:
            raise ConfigurationError(
                f"default_sound {default_sound!r} is not in sound_files ({', '.join(sound_files)})"
            )
        self._files = {name: Path(path) for name, path in sound_files.items()}
        self._current = default_sound
        self._volume = float(volume)
        self._mixing = mixing
        self._loop = loop
        self._sounds: dict[str, np.ndarray] = {}
        self._position = 0
        self._sample_rate = 0

    @property
    def current_sound(self) -> str:
        """The name of the sound being mixed in."""
        return self._current

    async def start(self, sample_rate: int) -> None:
        """Read every sound file and resample it to ``sample_rate``.

        Raises:
            ConfigurationError: A file cannot be read or is not mono.
        """
        self._sample_rate = sample_rate
        self._sounds = {name: self._load(path, sample_rate) for name, path in self._files.items()}
        self._position = 0

    async def stop(self) -> None:
        """Forget the loaded sounds."""
        self._sounds.clear()

    async def process_frame(self, frame: MixerControlFrame) -> None:
        """Apply ``MixerUpdateSettingsFrame`` (sound, volume, loop) or ``MixerEnableFrame``."""
        if isinstance(frame, MixerEnableFrame):
            self._mixing = bool(frame.enable)
        elif isinstance(frame, MixerUpdateSettingsFrame):
            self._update(frame.settings)

    def _update(self, settings: Mapping[str, Any]) -> None:
        for key, value in settings.items():
            if key == "sound":
                if value not in self._files:
                    logger.warning("SoundfileMixer: no sound named %r; keeping %r", value, self._current)
                    continue
                if value != self._current:
                    self._current = value
                    self._position = 0
            elif key == "volume":
                self._volume = float(value)
            elif key == "loop":
                self._loop = bool(value)
            else:
                logger.warning("SoundfileMixer: unknown setting %r ignored", key)

    async def mix(self, audio: bytes) -> bytes:
        """Add the current sound (times the volume) to ``audio``, clipping to 16 bits."""
        sound = self._sounds.get(self._current)
        if not self._mixing or sound is None or sound.size == 0:
            return audio
        voice = np.frombuffer(audio, dtype="<i2")
        n = voice.size
        chunk = np.zeros(n, dtype=np.float32)
        filled = 0
        while filled < n:
            if self._position >= sound.size:
                if not self._loop:
                    break
                self._position = 0
            take = min(n - filled, sound.size - self._position)
            chunk[filled : filled + take] = sound[self._position : self._position + take]
            self._position += take
            filled += take
        mixed = voice.astype(np.float32) + chunk * self._volume
        return np.clip(mixed, -32768, 32767).astype("<i2").tobytes()

    @staticmethod
    def _load(path: Path, sample_rate: int) -> np.ndarray:
        try:
            data, rate = soundfile.read(str(path), dtype="int16", always_2d=True)
        except Exception as exc:  # libsndfile errors are RuntimeError/LibsndfileError
            raise ConfigurationError(f"SoundfileMixer cannot read {path}: {exc}") from exc
        if data.shape[1] != 1:
            raise ConfigurationError(f"SoundfileMixer: {path} has {data.shape[1]} channels; sound files must be mono")
        samples = data[:, 0].astype(np.float32)
        if rate != sample_rate:
            samples = soxr.resample(samples, rate, sample_rate, quality="HQ")
        return samples.astype(np.float32)
