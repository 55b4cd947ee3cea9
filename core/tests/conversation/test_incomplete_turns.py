"""filter_incomplete_user_turns end to end: a real LLMService and TTSService on the manual clock.

The scripted LLM answers like a model following the turn-completion
instructions; the user aggregator switches the feature on at start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from voxpipe.frames.frames import BotStartedSpeakingFrame, LLMTextFrame, TTSAudioRawFrame, TTSTextFrame
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.processors.aggregators.llm_response_universal import LLMUserAggregatorParams
from voxpipe.services.llm_service import LLMService
from voxpipe.services.tts_service import TTSService
from voxpipe.turns.user_turn_completion_mixin import UserTurnCompletionConfig

from ._conversation import Conversation, simple_strategies


class ScriptedLLM(LLMService):
    """Streams the scripted replies word by word, one per request; records the requests."""

    def __init__(self, replies: list[str], **kw: Any) -> None:
        super().__init__(**kw)
        self.replies = list(replies)
        self.requests: list[list[Any]] = []

    async def _process_context(self, context: LLMContext) -> AsyncIterator[str]:  # type: ignore[override]
        self.requests.append(list(context.messages))
        reply = self.replies.pop(0) if self.replies else "✓ (no more script)"
        words = reply.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word


class ScriptedTTS(TTSService):
    """0.2 s of audio per word, in 20 ms frames."""

    async def run_tts(self, text: str, context_id: str):  # type: ignore[override]
        chunk = b"\x01\x01" * int(self.sample_rate * 0.02)
        for _ in range(10 * len(text.split())):
            yield self._audio_frame(chunk, context_id)


def conversation(replies: list[str], config: UserTurnCompletionConfig | None = None) -> Conversation:
    params = LLMUserAggregatorParams(
        user_turn_strategies=simple_strategies(),
        filter_incomplete_user_turns=True,
        user_turn_completion_config=config,
    )
    conv = Conversation(user_params=params, llm=ScriptedLLM(replies), tts=ScriptedTTS(sample_rate=16000))
    conv.llm.turn_completion_clock = conv.clock
    return conv


def spoken_text(conv: Conversation) -> str:
    return " ".join(f.text for _, f in conv.rec_end.of(TTSTextFrame))


async def test_cut_off_user_gets_silence_then_a_short_reprompt_after_5s():
    conv = conversation(["○", "✓ Go ahead, I'm listening."])
    async with conv:
        await conv.silence(0.1)
        await conv.user_says("I'd go to Japan because I love", secs=0.6)
        await conv.silence(1.0)
        assert len(conv.llm.requests) == 1
        first = conv.llm.requests[0]
        assert first[0]["content"].startswith("Be brief.\n\n") and "✓" in first[0]["content"]
        await conv.silence(3.5)  # 4.5 s after the turn: nothing said, nothing asked
        assert len(conv.llm.requests) == 1
        assert not conv.rec_end.of(BotStartedSpeakingFrame)
        assert not [f for _, f in conv.rec_end.of(TTSAudioRawFrame)]
        await conv.silence(1.5)  # the 5 s short timeout passes
        assert len(conv.llm.requests) == 2
        assert conv.llm.requests[1][-1] == {
            "role": "system",
            "content": UserTurnCompletionConfig().incomplete_short_prompt,
        }
        await conv.silence(3.0)
        assert spoken_text(conv) == "Go ahead, I'm listening."
        assert len(conv.rec_end.of(BotStartedSpeakingFrame)) == 1
        # the marker was never spoken and never reached the context
        assert all("✓" not in f.text for _, f in conv.rec_end.of(TTSTextFrame))
        assert conv.context.messages == [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "I'd go to Japan because I love"},
            {"role": "assistant", "content": "Go ahead, I'm listening."},
        ]
        marker = [f for _, f in conv.rec_end.of(LLMTextFrame) if f.text == "✓"]
        assert marker and marker[0].skip_tts


async def test_user_continuing_cancels_the_reprompt_and_gets_a_real_answer():
    conv = conversation(["○", "✓ Japan is a wonderful choice!"])
    async with conv:
        await conv.silence(0.1)
        await conv.user_says("I'd go to Japan because I love", secs=0.6)
        await conv.silence(2.0)
        await conv.user_says("the culture and food.", secs=0.6)
        await conv.silence(4.0)
        assert spoken_text(conv) == "Japan is a wonderful choice!"
        await conv.silence(12.0)  # well past both timeouts: no re-prompt
        assert len(conv.llm.requests) == 2
        assert conv.context.messages[-1] == {"role": "assistant", "content": "Japan is a wonderful choice!"}


async def test_thinking_user_gets_the_long_timeout():
    config = UserTurnCompletionConfig(incomplete_long_timeout=8.0)
    conv = conversation(["◐", "✓ Take your time. Anything come to mind?"], config)
    async with conv:
        await conv.silence(0.1)
        await conv.user_says("That's a good question. Let me think.", secs=0.6)
        await conv.silence(6.0)
        assert len(conv.llm.requests) == 1
        await conv.silence(3.0)
        assert len(conv.llm.requests) == 2
        assert conv.llm.requests[1][-1]["content"] == config.incomplete_long_prompt
        await conv.silence(4.0)
        assert spoken_text(conv) == "Take your time. Anything come to mind?"
