"""Barge-in: the bot's audio stops within one chunk and the context keeps only what was spoken."""

from voxpipe.frames.frames import InterruptionFrame
from voxpipe.turns.user_start import MinWordsUserTurnStartStrategy
from voxpipe.turns.user_stop import SpeechTimeoutUserTurnStopStrategy
from voxpipe.turns.user_turn_strategies import UserTurnStrategies
from voxpipe.processors.aggregators.llm_response_universal import LLMUserAggregatorParams

from ._conversation import CHUNK, Conversation

LONG = "First sentence here. Second sentence is longer than the first. Third one never plays."


async def test_barge_in_stops_audio_within_one_chunk_and_commits_only_spoken_text():
    async with Conversation(responses=[LONG, "Sure."]) as conv:
        stopped = conv.events(conv.assistant, "on_assistant_turn_stopped")
        await conv.user_says("tell me something", secs=0.5)
        await conv.silence(0.6)  # turn ends, LLM answers, bot starts talking
        assert conv.output.speaking
        await conv.silence(1.2)  # first sentence (3 words, 0.6 s) played, second under way
        played_before = len(conv.output.played)
        await conv.user_says("wait stop", secs=0.4)  # VAD start after 0.2 s interrupts
        interruptions = conv.rec_end.of(InterruptionFrame)
        assert len(interruptions) == 2  # the user's first turn, then the barge-in
        t_int = interruptions[-1][0]
        after = [c for c in conv.output.played if c.at > t_int + 1e-9]
        assert len(after) <= 1, f"{len(after)} chunks played after the interruption"
        assert not conv.output.speaking
        assert len(conv.output.played) > played_before
        await conv.silence(2.0)
        assistant = [m["content"] for m in conv.context.messages if m["role"] == "assistant"]
        assert assistant[0] == "First sentence here."
        assert "Third" not in " ".join(assistant)
        assert stopped[0][1][0].interrupted is True
        assert stopped[0][1][0].content == "First sentence here."
        # the next request carries exactly what was said, then the new user turn
        roles = [(m["role"], m["content"]) for m in conv.llm.requests[-1].messages]
        assert roles[-2:] == [("assistant", "First sentence here."), ("user", "wait stop")]
        # no sentence of the interrupted answer is ever committed again
        await conv.silence(2.0)
        texts = [m["content"] for m in conv.context.messages]
        assert texts.count("First sentence here.") == 1
        assert not any("Second sentence" in t for t in texts)


async def test_two_word_backchannel_does_not_interrupt_under_min_words_3():
    params = LLMUserAggregatorParams(
        user_turn_strategies=UserTurnStrategies(
            start=[MinWordsUserTurnStartStrategy(min_words=3)],
            stop=[SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.3)],
        )
    )
    async with Conversation(responses=[LONG, "Noted."], user_params=params) as conv:
        started = conv.events(conv.user, "on_user_turn_started")
        await conv.user_says("tell me something", secs=0.5)
        await conv.silence(0.8)
        assert len(started) == 1 and conv.output.speaking
        chunks = len(conv.output.played)
        await conv.user_says("yeah okay", secs=0.4)
        await conv.silence(0.5)
        assert len(started) == 1, "the backchannel started a turn"
        assert len(conv.rec_end.of(InterruptionFrame)) == 1
        assert len(conv.output.played) > chunks + (0.8 / CHUNK) * 0.9  # kept talking
        await conv.silence(4.0)
        assistant = [m["content"] for m in conv.context.messages if m["role"] == "assistant"]
        assert assistant == [LONG]
        users = [m["content"] for m in conv.context.messages if m["role"] == "user"]
        assert users == ["tell me something"]
        # three words do interrupt
        await conv.user_says("hold on please", secs=0.6)
        await conv.silence(1.0)
        assert len(started) == 2
        users = [m["content"] for m in conv.context.messages if m["role"] == "user"]
        assert users[-1] == "hold on please"
