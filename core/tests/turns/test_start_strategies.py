"""Start strategies: VAD, transcription, min-words, wake phrase, external."""

import pytest

from voxpipe.frames.frames import (
    InterimTranscriptionFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    VADUserStartedSpeakingFrame,
)
from voxpipe.turns.types import ProcessFrameResult
from voxpipe.turns.user_start import (
    ExternalUserTurnStartStrategy,
    MinWordsUserTurnStartStrategy,
    TranscriptionUserTurnStartStrategy,
    VADUserTurnStartStrategy,
    WakePhraseState,
    WakePhraseUserTurnStartStrategy,
)

from ._host import FakeHost


async def _setup(strategy):
    host = FakeHost()
    await strategy.setup(host)
    return host


async def test_vad_strategy_starts_on_vad_start_with_its_parameters():
    s = VADUserTurnStartStrategy(enable_interruptions=False)
    host = await _setup(s)
    await s.process_frame(TranscriptionFrame("hi"))
    assert host.started == []
    await s.process_frame(VADUserStartedSpeakingFrame())
    assert host.started[0][0] is s
    assert host.started[0][1].enable_interruptions is False
    assert host.started[0][1].enable_user_speaking_frames is True


@pytest.mark.parametrize("use_interim, starts", [(True, True), (False, False)])
async def test_transcription_strategy_interim_option(use_interim, starts):
    s = TranscriptionUserTurnStartStrategy(use_interim=use_interim)
    host = await _setup(s)
    await s.process_frame(InterimTranscriptionFrame("hel"))
    assert bool(host.started) is starts
    await s.process_frame(TranscriptionFrame("   "))
    assert bool(host.started) is starts
    await s.process_frame(TranscriptionFrame("hello"))
    assert host.started


async def test_min_words_needs_min_words_only_while_the_bot_speaks():
    s = MinWordsUserTurnStartStrategy(min_words=3)
    host = await _setup(s)
    host.bot_speaking = True
    assert await s.process_frame(TranscriptionFrame("yeah okay")) is ProcessFrameResult.CONTINUE
    assert host.started == []
    assert await s.process_frame(InterimTranscriptionFrame("sure")) is ProcessFrameResult.STOP
    assert host.started


async def test_min_words_one_word_is_enough_when_the_bot_is_silent():
    s = MinWordsUserTurnStartStrategy(min_words=3, use_interim=False)
    host = await _setup(s)
    await s.process_frame(InterimTranscriptionFrame("hello there friend"))
    assert host.started == []
    await s.process_frame(TranscriptionFrame("hello"))
    assert host.started


def test_min_words_must_be_positive():
    with pytest.raises(ValueError):
        MinWordsUserTurnStartStrategy(min_words=0)


async def test_external_strategy_forces_flags_off():
    s = ExternalUserTurnStartStrategy(enable_interruptions=True)
    host = await _setup(s)
    assert not s.enable_interruptions and not s.enable_user_speaking_frames
    await s.process_frame(UserStartedSpeakingFrame())
    assert host.started and host.started[0][1].enable_interruptions is False


async def test_wake_phrase_gates_until_detected_then_times_out():
    s = WakePhraseUserTurnStartStrategy(phrases=["hey voxpipe"], timeout=2.0)
    host = await _setup(s)
    log = []
    s.add_event_handler("on_wake_phrase_detected", lambda st, phrase: log.append(("detected", phrase)))
    s.add_event_handler("on_wake_phrase_timeout", lambda st: log.append(("timeout",)))
    assert await s.process_frame(VADUserStartedSpeakingFrame()) is ProcessFrameResult.STOP
    assert await s.process_frame(TranscriptionFrame("what time is it")) is ProcessFrameResult.STOP
    assert host.resets == 1 and host.started == []
    await s.process_frame(TranscriptionFrame("Hey, VoxPipe!"))
    assert s.state is WakePhraseState.AWAKE and host.started
    await host.clock.advance(0)
    assert log == [("detected", "hey voxpipe")]
    host.user_turn_active = False
    assert await s.process_frame(VADUserStartedSpeakingFrame()) is ProcessFrameResult.CONTINUE
    await host.clock.advance(2.1)
    assert s.state is WakePhraseState.IDLE and log[-1] == ("timeout",)
    await host.close(s)


async def test_wake_phrase_split_over_transcripts_and_single_activation():
    s = WakePhraseUserTurnStartStrategy(phrases=["ok bot"], single_activation=True)
    host = await _setup(s)
    await s.process_frame(TranscriptionFrame("ok"))
    await s.process_frame(TranscriptionFrame("bot what's up"))
    assert s.state is WakePhraseState.AWAKE
    await s.user_turn_stopped()
    assert s.state is WakePhraseState.IDLE
    await host.close(s)


def test_wake_phrase_needs_a_phrase():
    with pytest.raises(ValueError):
        WakePhraseUserTurnStartStrategy(phrases=[" "])
