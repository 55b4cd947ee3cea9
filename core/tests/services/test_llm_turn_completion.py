"""LLMService with filter_incomplete_user_turns: instructions, marker filtering, re-prompts."""

from __future__ import annotations

from test_llm_fakes import FakeLLM, PushingFakeLLM, Turn, context_frame

from voxpipe.frames.frames import (
    InterruptionFrame,
    LLMContextFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    LLMUpdateSettingsFrame,
    UserStartedSpeakingFrame,
)
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.services.settings import LLMSettings
from voxpipe.tests.utils import SleepFrame, run_test
from voxpipe.testing import drive
from voxpipe.turns.user_turn_completion_mixin import UserTurnCompletionConfig

FAST = UserTurnCompletionConfig(
    incomplete_short_timeout=0.2,
    incomplete_long_timeout=0.4,
    incomplete_short_prompt="SHORT: invite them to go on, answer with ✓ then the message.",
    incomplete_long_prompt="LONG: check in, answer with ✓ then the message.",
    instructions="MARK EVERY REPLY.",
)


def enable(config: UserTurnCompletionConfig | None = FAST) -> LLMUpdateSettingsFrame:
    """What the user aggregator sends at start."""
    return LLMUpdateSettingsFrame(
        settings={"filter_incomplete_user_turns": True, "user_turn_completion_config": config}
    )


def system_context(text: str = "I'd go to Japan because") -> LLMContextFrame:
    return LLMContextFrame(
        LLMContext([{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}])
    )


def spoken(frames) -> str:
    return "".join(f.text for f in frames if isinstance(f, LLMTextFrame) and not f.skip_tts)


def markers(frames) -> list[LLMTextFrame]:
    return [f for f in frames if isinstance(f, LLMTextFrame) and f.skip_tts]


async def test_complete_reply_instructions_appended_marker_filtered_and_not_for_context():
    for cls in (FakeLLM, PushingFakeLLM):
        llm = cls([Turn(tokens=["✓", " Japan is", " a wonderful choice!"])])
        context = system_context()
        frame = LLMContextFrame(context.context)
        down, _ = await run_test(llm, frames_to_send=[enable(), frame, SleepFrame(0.1)])
        assert spoken(down) == "Japan is a wonderful choice!", cls.__name__
        [marker] = markers(down)
        assert marker.text == "✓" and marker.append_to_context is False
        # the request carried the instructions; the shared context did not change
        sent = llm.requests[0].messages
        assert sent[0] == {"role": "system", "content": "Be brief.\n\nMARK EVERY REPLY."}
        assert context.context.messages[0] == {"role": "system", "content": "Be brief."}


async def test_marker_glued_to_text_and_split_across_chunks():
    llm = FakeLLM([Turn(tokens=["  ", "✓Sure", ", go on."])])
    down, _ = await run_test(llm, frames_to_send=[enable(), system_context(), SleepFrame(0.1)])
    assert spoken(down) == "Sure, go on."
    assert [m.text for m in markers(down)] == ["✓"]


async def test_instructions_inserted_when_there_is_no_system_message():
    llm = FakeLLM([Turn(tokens=["✓ ok"])])
    await run_test(llm, frames_to_send=[enable(), context_frame("hi"), SleepFrame(0.1)])
    assert llm.requests[0].messages[0] == {"role": "system", "content": "MARK EVERY REPLY."}


async def test_incomplete_short_is_suppressed_then_reprompted_after_the_short_timeout():
    llm = FakeLLM([Turn(tokens=["○"]), Turn(tokens=["✓", " Go ahead, I'm listening."])])
    result = await drive(llm, [enable(), system_context(), SleepFrame(0.1)])
    # nothing of the reply was pushed (the response frames were), and the
    # re-prompt did not fire within 0.1 s of the 0.2 s short timeout
    assert len(llm.requests) == 1
    assert spoken(result.downstream) == "" and not markers(result.downstream)
    kinds = [type(f) for f in result.downstream if isinstance(f, (LLMFullResponseStartFrame, LLMFullResponseEndFrame))]
    assert kinds == [LLMFullResponseStartFrame, LLMFullResponseEndFrame]

    llm = FakeLLM([Turn(tokens=["○"]), Turn(tokens=["✓", " Go ahead, I'm listening."])])
    result = await drive(llm, [enable(), system_context(), SleepFrame(0.4)])
    assert len(llm.requests) == 2
    reprompt = llm.requests[1].messages
    assert reprompt[-1] == {"role": "system", "content": FAST.incomplete_short_prompt}
    assert reprompt[-2] == {"role": "user", "content": "I'd go to Japan because"}
    assert "MARK EVERY REPLY." in reprompt[0]["content"]
    assert spoken(result.downstream) == "Go ahead, I'm listening."
    kinds = [type(f) for f in result.downstream if isinstance(f, (LLMFullResponseStartFrame, LLMFullResponseEndFrame))]
    assert kinds == [LLMFullResponseStartFrame, LLMFullResponseEndFrame] * 2


async def test_incomplete_long_waits_the_long_timeout():
    llm = FakeLLM([Turn(tokens=["◐", " let me think"]), Turn(tokens=["✓ Take your time."])])
    result = await drive(llm, [enable(), system_context("Hmm, let me think"), SleepFrame(0.3)])
    assert len(llm.requests) == 1  # 0.3 s < the long timeout (0.4 s)
    assert spoken(result.downstream) == ""
    llm = FakeLLM([Turn(tokens=["◐", " let me think"]), Turn(tokens=["✓ Take your time."])])
    result = await drive(llm, [enable(), system_context("Hmm, let me think"), SleepFrame(0.6)])
    assert llm.requests[-1].messages[-1]["content"] == FAST.incomplete_long_prompt
    assert spoken(result.downstream) == "Take your time."


async def test_user_speaking_again_cancels_the_reprompt():
    for cancel_with in (UserStartedSpeakingFrame(), InterruptionFrame()):
        llm = FakeLLM([Turn(tokens=["○"]), Turn(tokens=["✓ Go on."])])
        result = await drive(llm, [enable(), system_context(), SleepFrame(0.1), cancel_with, SleepFrame(0.3)])
        assert len(llm.requests) == 1, cancel_with
        assert spoken(result.downstream) == ""


async def test_a_new_turn_replaces_the_pending_reprompt():
    llm = FakeLLM([Turn(tokens=["○"]), Turn(tokens=["✓ Japan, then."]), Turn(tokens=["✓ never"])])
    result = await drive(
        llm, [enable(), system_context(), SleepFrame(0.1), system_context("I'd go to Japan."), SleepFrame(0.4)]
    )
    assert len(llm.requests) == 2
    assert spoken(result.downstream) == "Japan, then."


async def test_an_incomplete_answer_to_a_reprompt_does_not_reprompt_again():
    llm = FakeLLM([Turn(tokens=["○"])])
    await drive(llm, [enable(), system_context(), SleepFrame(0.8)])
    assert len(llm.requests) == 2  # the turn and one re-prompt, no loop


async def test_reply_without_marker_is_pushed_unchanged_with_a_warning(caplog):
    llm = FakeLLM([Turn(tokens=["Japan is", " lovely."]), Turn(tokens=["Hi."])])
    down, _ = await run_test(
        llm, frames_to_send=[enable(), system_context(), SleepFrame(0.1), system_context("hi"), SleepFrame(0.1)]
    )
    assert spoken(down) == "Japan is lovely.Hi."
    assert "no marker" in caplog.text or "without a marker" in caplog.text


async def test_disabled_by_default_and_turned_off_by_a_later_update():
    llm = FakeLLM([Turn(tokens=["✓ stays"])])
    down, _ = await run_test(llm, frames_to_send=[system_context(), SleepFrame(0.1)])
    assert spoken(down) == "✓ stays"
    assert llm.requests[0].messages[0] == {"role": "system", "content": "Be brief."}
    off = LLMUpdateSettingsFrame(delta=LLMSettings(filter_incomplete_user_turns=False))
    llm = FakeLLM([Turn(tokens=["○"]), Turn(tokens=["✓ no"])])
    await drive(llm, [enable(), system_context(), off, SleepFrame(0.4)])
    assert len(llm.requests) == 1


async def test_enabled_from_constructor_settings_with_default_config():
    llm = FakeLLM([Turn(tokens=["✓ Hi."])], settings=LLMSettings(filter_incomplete_user_turns=True))
    assert llm.turn_completion_enabled
    assert llm.turn_completion_config == UserTurnCompletionConfig()
    down, _ = await run_test(llm, frames_to_send=[system_context(), SleepFrame(0.1)])
    assert spoken(down) == "Hi."


async def test_run_inference_is_never_filtered():
    llm = FakeLLM([Turn(tokens=["○ raw"])], settings=LLMSettings(filter_incomplete_user_turns=True))
    text = await llm.run_inference(LLMContext([{"role": "user", "content": "x"}]))
    assert text == "○ raw"
    assert llm.requests[0].messages == [{"role": "user", "content": "x"}]


async def test_interrupted_reply_arms_nothing():
    llm = FakeLLM([Turn(tokens=["○"], first_delay=0.2), Turn(tokens=["✓ no"])])
    await drive(llm, [enable(), system_context(), SleepFrame(0.05), InterruptionFrame(), SleepFrame(0.4)])
    assert len(llm.requests) == 1
