"""Stop strategies: speech timeout, turn analyzer, external."""

import asyncio

from voxpipe.audio.turn.base_turn_analyzer import BaseTurnAnalyzer, BaseTurnParams, EndOfTurnState
from voxpipe.frames.frames import (
    InputAudioRawFrame,
    MetricsFrame,
    SpeechControlParamsFrame,
    StartFrame,
    STTMetadataFrame,
    TranscriptionFrame,
    UserStoppedSpeakingFrame,
    VADUserSpeechPausedFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from voxpipe.metrics.metrics import TurnMetricsData
from voxpipe.turns.user_stop import (
    ExternalUserTurnStopStrategy,
    SpeechTimeoutUserTurnStopStrategy,
    TurnAnalyzerUserTurnStopStrategy,
)

from ._host import FakeHost


async def _active(strategy):
    host = FakeHost()
    await strategy.setup(host)
    host.user_turn_active = True
    return host


async def test_speech_timeout_waits_for_the_longer_of_timeout_and_stt_latency():
    s = SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.6)
    host = await _active(s)
    await s.process_frame(STTMetadataFrame(service_name="stt", ttfs_p99_latency=1.2))
    await s.process_frame(VADUserStartedSpeakingFrame())
    await s.process_frame(TranscriptionFrame("hello"))
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    await host.clock.advance(0.9)
    assert host.stopped == []
    await host.clock.advance(0.15)  # 1.2 - 0.2 = 1.0 s
    assert host.stopped and host.stopped[0][0] is s
    await host.close(s)


async def test_speech_timeout_finalized_transcript_after_timeout_stops_at_once():
    s = SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.5)
    host = await _active(s)
    await s.process_frame(STTMetadataFrame(service_name="stt", ttfs_p99_latency=3.0))
    await s.process_frame(VADUserStartedSpeakingFrame())
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    await host.clock.advance(0.6)
    assert host.stopped == []
    await s.process_frame(TranscriptionFrame("hello", finalized=True))
    assert host.stopped
    await host.close(s)


async def test_speech_timeout_user_resuming_cancels_the_stop():
    s = SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.5)
    host = await _active(s)
    await s.process_frame(TranscriptionFrame("hello"))
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    await host.clock.advance(0.3)
    await s.process_frame(VADUserStartedSpeakingFrame())
    await host.clock.advance(1.0)
    assert host.stopped == []
    await host.close(s)


async def test_speech_timeout_without_vad_restarts_on_each_transcript():
    s = SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.5)
    host = await _active(s)
    await s.process_frame(TranscriptionFrame("one"))
    await host.clock.advance(0.4)
    await s.process_frame(TranscriptionFrame("two"))
    await host.clock.advance(0.4)
    assert host.stopped == []
    await host.clock.advance(0.2)
    assert host.stopped
    await host.close(s)


class ScriptedTurnAnalyzer(BaseTurnAnalyzer):
    def __init__(self, verdicts):
        super().__init__()
        self.verdicts = list(verdicts)
        self.audio = 0
        self.cleared = 0

    @property
    def speech_triggered(self):
        return self.audio > 0

    @property
    def params(self):
        return BaseTurnParams()

    def append_audio(self, buffer, is_speech):
        self.audio += 1
        return EndOfTurnState.INCOMPLETE

    async def analyze_end_of_turn(self):
        state = self.verdicts.pop(0)
        return state, TurnMetricsData(processor="t", is_complete=state is EndOfTurnState.COMPLETE, probability=0.9, e2e_processing_time_ms=1.0)

    def clear(self):
        self.cleared += 1


async def test_turn_analyzer_incomplete_keeps_turn_open_complete_ends_it():
    analyzer = ScriptedTurnAnalyzer([EndOfTurnState.INCOMPLETE, EndOfTurnState.COMPLETE])
    s = TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer)
    host = await _active(s)
    await s.process_frame(StartFrame(audio_in_sample_rate=16000))
    assert analyzer.sample_rate == 16000
    assert isinstance(host.pushed[0], SpeechControlParamsFrame)
    await s.process_frame(STTMetadataFrame(service_name="stt", ttfs_p99_latency=1.2))
    await s.process_frame(InputAudioRawFrame(audio=b"\x00\x00", sample_rate=16000, num_channels=1))
    await s.process_frame(VADUserStartedSpeakingFrame(start_secs=0.2))
    await s.process_frame(TranscriptionFrame("so I was", finalized=True))
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    assert host.stopped == [] and isinstance(host.pushed[-1], MetricsFrame)
    await s.process_frame(VADUserStartedSpeakingFrame(start_secs=0.2))
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    assert host.stopped == []  # complete, but this speech's transcript has not come yet
    await s.process_frame(TranscriptionFrame("going home", finalized=True))
    assert host.stopped
    await s.reset()
    assert analyzer.cleared == 1
    await host.close(s)


async def test_turn_analyzer_a_transcript_that_beat_the_verdict_ends_the_turn_at_the_verdict():
    # An STT that starts at the VAD's pause can finish while the model is still judging.
    s = TurnAnalyzerUserTurnStopStrategy(turn_analyzer=ScriptedTurnAnalyzer([EndOfTurnState.COMPLETE]))
    host = await _active(s)
    await s.process_frame(STTMetadataFrame(service_name="stt", ttfs_p99_latency=1.2))
    await s.process_frame(VADUserStartedSpeakingFrame(start_secs=0.2))
    await s.process_frame(TranscriptionFrame("what time is it", finalized=True))
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    assert host.stopped and host.stopped[0][0] is s  # no STT wait: the transcript is final
    await host.close(s)


async def test_turn_analyzer_an_earlier_segments_transcript_does_not_end_the_next_one():
    analyzer = ScriptedTurnAnalyzer([EndOfTurnState.INCOMPLETE, EndOfTurnState.COMPLETE])
    s = TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer)
    host = await _active(s)
    await s.process_frame(STTMetadataFrame(service_name="stt", ttfs_p99_latency=1.2))
    await s.process_frame(VADUserStartedSpeakingFrame(start_secs=0.2))
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    await s.process_frame(TranscriptionFrame("I want", finalized=True))
    await s.process_frame(VADUserStartedSpeakingFrame(start_secs=0.2))
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    assert host.stopped == []  # "a pizza" is still being transcribed
    await host.clock.advance(1.1)  # ...or the STT wait (1.2 - 0.2 s) gives up on it
    assert host.stopped
    await host.close(s)


async def _paused_then_stopped(s, host):
    await s.process_frame(VADUserStartedSpeakingFrame(start_secs=0.2))
    await s.process_frame(TranscriptionFrame("what time is it", finalized=True))
    await s.process_frame(VADUserSpeechPausedFrame(pause_secs=0.06))
    await asyncio.sleep(0.01)  # the verdict at the pause runs meanwhile
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))


async def test_turn_analyzer_on_pause_a_complete_verdict_is_not_judged_again_at_the_stop():
    analyzer = ScriptedTurnAnalyzer([EndOfTurnState.COMPLETE])
    s = TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer, analyze_on_pause=True)
    host = await _active(s)
    await _paused_then_stopped(s, host)
    assert analyzer.verdicts == [] and host.stopped  # one inference, at the pause
    assert isinstance(host.pushed[-1], MetricsFrame)
    await host.close(s)


async def test_turn_analyzer_on_pause_an_incomplete_verdict_is_judged_again_at_the_stop():
    analyzer = ScriptedTurnAnalyzer([EndOfTurnState.INCOMPLETE, EndOfTurnState.COMPLETE])
    s = TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer, analyze_on_pause=True)
    host = await _active(s)
    await _paused_then_stopped(s, host)
    assert analyzer.verdicts == [] and host.stopped  # the stop's verdict (COMPLETE) decided
    await host.close(s)


async def test_turn_analyzer_pauses_are_ignored_unless_asked_for():
    analyzer = ScriptedTurnAnalyzer([EndOfTurnState.INCOMPLETE, EndOfTurnState.COMPLETE])
    s = TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer)
    host = await _active(s)
    await _paused_then_stopped(s, host)
    assert analyzer.verdicts == [EndOfTurnState.COMPLETE] and host.stopped == []
    await host.close(s)


async def test_turn_analyzer_a_new_pause_replaces_the_verdict_of_the_last_one():
    class Slow(ScriptedTurnAnalyzer):
        async def analyze_end_of_turn(self):
            await asyncio.sleep(0.05)
            return await super().analyze_end_of_turn()

    analyzer = Slow([EndOfTurnState.COMPLETE, EndOfTurnState.INCOMPLETE, EndOfTurnState.COMPLETE])
    s = TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer, analyze_on_pause=True)
    host = await _active(s)
    await s.process_frame(VADUserStartedSpeakingFrame(start_secs=0.2))
    await s.process_frame(VADUserSpeechPausedFrame())  # "so I..." (cancelled before it pops a verdict)
    await s.process_frame(VADUserSpeechPausedFrame())  # "...was going home"
    await s.process_frame(TranscriptionFrame("so I was going home", finalized=True))
    await s.process_frame(VADUserStoppedSpeakingFrame(stop_secs=0.2))
    assert analyzer.verdicts == [EndOfTurnState.INCOMPLETE, EndOfTurnState.COMPLETE]
    assert host.stopped
    await host.close(s)


async def test_external_stop_waits_for_late_transcripts():
    s = ExternalUserTurnStopStrategy(timeout=0.5)
    host = await _active(s)
    assert not s.enable_user_speaking_frames
    await s.process_frame(UserStoppedSpeakingFrame())
    await host.clock.advance(0.4)
    assert host.stopped == []
    await host.clock.advance(0.2)
    assert host.stopped
    await host.close(s)


async def test_turn_start_keeps_the_speech_the_analyzer_buffered_before_the_vad_start():
    """The user turn opens start_secs into the speech; the model must still hear its first words."""

    class Recording(ScriptedTurnAnalyzer):
        def __init__(self):
            super().__init__([])
            self.triggered = False

        @property
        def speech_triggered(self):
            return self.triggered

        def append_audio(self, buffer, is_speech):
            self.triggered = self.triggered or is_speech
            return super().append_audio(buffer, is_speech)

        def clear(self):
            super().clear()
            self.triggered = False

    analyzer = Recording()
    s = TurnAnalyzerUserTurnStopStrategy(turn_analyzer=analyzer)
    host = await _active(s)
    chunk = InputAudioRawFrame(audio=b"\x10\x00" * 320, sample_rate=16000, num_channels=1)
    for _ in range(10):  # 0.2 s of speech the VAD has not confirmed yet
        await s.process_frame(chunk)
    await s.reset()  # the controller resets stop strategies when the turn starts
    assert analyzer.cleared == 0
    await s.process_frame(VADUserStartedSpeakingFrame(start_secs=0.2))
    await s.process_frame(chunk)
    await s.reset()  # after a turn with speech, the next one starts clean
    assert analyzer.cleared == 1
    await host.close(s)
