"""The filter and mixer interfaces: abstract, and a minimal implementation works."""

from __future__ import annotations

import pytest
from voxpipe.audio.filters.base_audio_filter import BaseAudioFilter
from voxpipe.audio.mixers.base_audio_mixer import BaseAudioMixer
from voxpipe.audio.resamplers.base_audio_resampler import BaseAudioResampler


@pytest.mark.parametrize("base", [BaseAudioFilter, BaseAudioMixer, BaseAudioResampler])
def test_bases_cannot_be_instantiated(base: type) -> None:
    with pytest.raises(TypeError):
        base()


class Gain(BaseAudioFilter):
    def __init__(self) -> None:
        self.enabled = True
        self.rate = 0

    async def start(self, sample_rate: int) -> None:
        self.rate = sample_rate

    async def stop(self) -> None:
        self.rate = 0

    async def process_frame(self, frame) -> None:
        self.enabled = frame.enable

    async def filter(self, audio: bytes) -> bytes:
        return audio if self.enabled else bytes(len(audio))


async def test_a_filter_subclass_follows_the_contract() -> None:
    from voxpipe.frames.frames import FilterEnableFrame

    f = Gain()
    await f.start(16000)
    assert f.rate == 16000
    await f.process_frame(FilterEnableFrame(False))
    assert await f.filter(b"\x01\x00") == b"\x00\x00"
    await f.stop()


class Silence(BaseAudioMixer):
    async def start(self, sample_rate: int) -> None: ...

    async def stop(self) -> None: ...

    async def process_frame(self, frame) -> None: ...

    async def mix(self, audio: bytes) -> bytes:
        return audio


async def test_a_mixer_subclass_follows_the_contract() -> None:
    from voxpipe.frames.frames import MixerEnableFrame

    m = Silence()
    await m.start(24000)
    await m.process_frame(MixerEnableFrame(True))
    assert await m.mix(b"\x01\x00") == b"\x01\x00"
