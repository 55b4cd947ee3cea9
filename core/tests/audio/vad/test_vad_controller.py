"""VADController's edges: start, the early pause hint, stop."""

from __future__ import annotations

from voxpipe.audio.vad.vad_analyzer import VADParams
from voxpipe.audio.vad.vad_controller import VADController
from voxpipe.frames.frames import (
    UserSpeakingFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.testing.fakes import FakeVADAnalyzer, silence_chunk, speech_chunk

EDGES = (VADUserStartedSpeakingFrame, VADUserSpeechPausedFrame, VADUserStoppedSpeakingFrame)


async def feed(controller: VADController, chunks: list[bytes]) -> list[str]:
    """The edge frames per 20 ms chunk, as short names (``""`` for none)."""
    names = []
    for chunk in chunks:
        out = await controller.process_audio(chunk, 16000)
        names.append(" ".join(type(f).__name__[len("VADUser"):-len("Frame")] for f in out if isinstance(f, EDGES)))
    return names


def controller(**kw) -> VADController:
    analyzer = FakeVADAnalyzer(params=VADParams(start_secs=0.04, stop_secs=0.2))
    c = VADController(analyzer, **kw)
    c.start(16000)
    return c


def talk(secs: float) -> list[bytes]:
    return [speech_chunk(0.02)] * round(secs / 0.02)


def hush(secs: float) -> list[bytes]:
    return [silence_chunk(0.02)] * round(secs / 0.02)


async def test_pause_comes_pause_secs_into_the_silence_then_the_stop():
    names = await feed(controller(pause_secs=0.06), talk(0.2) + hush(0.3))
    edges = [(i, n) for i, n in enumerate(names) if n]
    assert edges == [(1, "StartedSpeaking"), (12, "SpeechPaused"), (19, "StoppedSpeaking")]


async def test_a_short_gap_between_words_is_not_a_pause():
    names = await feed(controller(pause_secs=0.06), talk(0.2) + hush(0.04) + talk(0.2) + hush(0.3))
    assert [n for n in names if n] == ["StartedSpeaking", "SpeechPaused", "StoppedSpeaking"]


async def test_each_stretch_of_silence_gets_its_own_pause_and_the_last_one_precedes_the_stop():
    names = await feed(controller(pause_secs=0.06), talk(0.2) + hush(0.1) + talk(0.2) + hush(0.3))
    assert [n for n in names if n] == ["StartedSpeaking", "SpeechPaused", "SpeechPaused", "StoppedSpeaking"]


async def test_a_stop_inside_one_chunk_still_comes_after_a_pause():
    c = controller(pause_secs=0.06)
    await feed(c, talk(0.2))
    out = await c.process_audio(silence_chunk(0.5), 16000)
    assert [type(f) for f in out if isinstance(f, EDGES)] == [VADUserSpeechPausedFrame, VADUserStoppedSpeakingFrame]


async def test_user_speaking_frames_continue_through_the_pause():
    c = controller(pause_secs=0.06, speaking_interval_secs=0.1)
    outs = []
    for chunk in talk(0.2) + hush(0.1):
        outs += await c.process_audio(chunk, 16000)
    assert sum(isinstance(f, UserSpeakingFrame) for f in outs) >= 2
