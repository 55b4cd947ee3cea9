"""SoundfileMixer: files loaded and resampled, mixed with volume, looped, switched, disabled."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from voxpipe.audio.mixers.soundfile_mixer import SoundfileMixer
from voxpipe.errors import ConfigurationError
from voxpipe.frames.frames import MixerEnableFrame, MixerUpdateSettingsFrame


def tone(path, rate=8000, secs=0.05, value=1000, channels=1):
    data = np.full((int(rate * secs), channels), value, dtype=np.int16)
    soundfile.write(str(path), data, rate, subtype="PCM_16")
    return path


def pcm(value, n):
    return np.full(n, value, dtype="<i2").tobytes()


async def test_mixes_resampled_sound_with_volume_and_loops(tmp_path):
    mixer = SoundfileMixer(sound_files={"a": tone(tmp_path / "a.wav")}, default_sound="a", volume=0.5)
    await mixer.start(16000)  # the 8 kHz, 50 ms file becomes 800 samples
    out = np.frombuffer(await mixer.mix(pcm(100, 320)), dtype="<i2")
    assert abs(int(np.median(out)) - 600) <= 5  # 100 + 0.5 * 1000
    for _ in range(5):  # past the end of the sound: it loops
        out = np.frombuffer(await mixer.mix(pcm(0, 320)), dtype="<i2")
    assert int(np.median(out)) > 400


async def test_plays_once_without_loop_and_clips(tmp_path):
    mixer = SoundfileMixer(sound_files={"a": tone(tmp_path / "a.wav", value=30000)}, default_sound="a",
                           volume=2.0, loop=False)
    await mixer.start(8000)
    out = np.frombuffer(await mixer.mix(pcm(30000, 100)), dtype="<i2")
    assert out.max() == 32767  # clipped, not wrapped
    for _ in range(5):
        out = np.frombuffer(await mixer.mix(pcm(5, 100)), dtype="<i2")
    assert set(out.tolist()) == {5}  # the sound ended


async def test_control_frames_switch_sound_volume_and_enable(tmp_path):
    files = {"a": tone(tmp_path / "a.wav", value=1000), "b": tone(tmp_path / "b.wav", value=2000)}
    mixer = SoundfileMixer(sound_files=files, default_sound="a", volume=1.0)
    await mixer.start(8000)
    await mixer.process_frame(MixerUpdateSettingsFrame({"sound": "b", "volume": 0.5}))
    out = np.frombuffer(await mixer.mix(pcm(0, 100)), dtype="<i2")
    assert mixer.current_sound == "b" and int(np.median(out)) == 1000
    await mixer.process_frame(MixerEnableFrame(False))
    assert await mixer.mix(pcm(7, 100)) == pcm(7, 100)
    await mixer.process_frame(MixerUpdateSettingsFrame({"sound": "missing"}))
    assert mixer.current_sound == "b"


async def test_bad_configuration_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigurationError, match="default_sound"):
        SoundfileMixer(sound_files={"a": "a.wav"}, default_sound="b")
    mixer = SoundfileMixer(sound_files={"s": tone(tmp_path / "s.wav", channels=2)}, default_sound="s")
    with pytest.raises(ConfigurationError, match="mono"):
        await mixer.start(16000)
    mixer = SoundfileMixer(sound_files={"x": tmp_path / "nope.wav"}, default_sound="x")
    with pytest.raises(ConfigurationError, match="cannot read"):
        await mixer.start(16000)
