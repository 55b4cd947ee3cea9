"""The user speaks, the turn ends, the LLM answers, the bot speaks, the context records it."""

from voxpipe.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
)
from voxpipe.processors.frame_processor import FrameDirection

from ._conversation import Conversation


async def test_user_turn_llm_answer_and_spoken_reply_in_context():
    async with Conversation(responses=["Hi there. How can I help?"]) as conv:
        events = conv.events(conv.user, "on_user_turn_started", "on_user_turn_stopped")
        aevents = conv.events(conv.assistant, "on_assistant_turn_started", "on_assistant_turn_stopped")
        await conv.silence(0.1)
        await conv.user_says("hello bot", secs=0.6)
        await conv.silence(1.0)
        assert len(conv.llm.requests) == 1
        assert conv.llm.requests[0].messages[-1] == {"role": "user", "content": "hello bot"}
        await conv.silence(3.0)
        names = [n for n, _ in events]
        assert names == ["on_user_turn_started", "on_user_turn_stopped"]
        assert events[1][1][1].content == "hello bot"
        assert [n for n, _ in aevents] == ["on_assistant_turn_started", "on_assistant_turn_stopped"]
        assert aevents[1][1][0].content == "Hi there. How can I help?"
        assert conv.context.messages[-1] == {"role": "assistant", "content": "Hi there. How can I help?"}
        assert len(conv.rec_user.of(UserStartedSpeakingFrame, FrameDirection.DOWNSTREAM)) == 1
        assert len(conv.rec_user.of(UserStoppedSpeakingFrame, FrameDirection.DOWNSTREAM)) == 1
        assert len(conv.rec_end.of(BotStartedSpeakingFrame)) == 1
        assert len(conv.rec_end.of(BotStoppedSpeakingFrame)) == 1
