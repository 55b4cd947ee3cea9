"""PiperTTSService on the bundled voice and PiperHttpTTSService against the emulated Piper server."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from voxpipe.errors import ConfigurationError
from voxpipe.frames.frames import (
    ErrorFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSTextFrame,
)
from voxpipe.pipeline.task import PipelineParams
from voxpipe.services.piper import tts as piper_tts
from voxpipe.services.piper.tts import DEFAULT_VOICE, PiperHttpTTSService, PiperTTSService
from voxpipe.services.tts_service import TTSService
from voxpipe.testing import drive

from voxpipe_conformance.emulators import Fault

from voxpipe_piper.emulator import SAMPLE_RATE, PiperHTTPEmulator

needs_voice = pytest.mark.skipif(piper_tts.bundled_voice_path() is None,
                                 reason="install voxpipe-piper[voice] for en_US-joe-medium")
TEXT = "Hello world, this is a test."


def audio_of(frames) -> tuple[np.ndarray, set[int]]:
    chunks = [f for f in frames if isinstance(f, TTSAudioRawFrame)]
    pcm = b"".join(f.audio for f in chunks)
    return np.frombuffer(pcm, "<i2"), {f.sample_rate for f in chunks}


def kinds(frames, *types) -> list[type]:
    return [type(f) for f in frames if isinstance(f, types)]


# -- configuration ---------------------------------------------------------------------------


def test_documented_import_paths():
    from voxpipe.services.piper import PiperHttpTTSService as Http
    from voxpipe.services.piper import PiperTTSService as Local

    assert Local is PiperTTSService and Http is PiperHttpTTSService
    assert issubclass(PiperTTSService, TTSService) and issubclass(PiperHttpTTSService, TTSService)
    assert PiperTTSService.Settings is PiperHttpTTSService.Settings


def test_the_package_states_the_gpl():
    from importlib.metadata import metadata

    from voxpipe_piper.plugin import voxpipe_plugin_manifest

    assert voxpipe_plugin_manifest().license == "GPL-3.0-or-later"
    assert "GPL-3.0-or-later" in (metadata("voxpipe-piper").get("License-Expression")
                                  or metadata("voxpipe-piper").get("License") or "")


@needs_voice
def test_default_voice_is_the_bundled_joe_voice():
    service = PiperTTSService()
    assert service.settings.voice == DEFAULT_VOICE
    assert service._voice_source == str(piper_tts.bundled_voice_path())


def test_missing_default_voice_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(piper_tts, "bundled_voice_path", lambda: None)
    with pytest.raises(ConfigurationError, match=r"voxpipe-piper\[voice\]"):
        PiperTTSService(download_dir=tmp_path)


def test_voice_files_in_download_dir_and_paths_are_used(tmp_path, monkeypatch):
    monkeypatch.setattr(piper_tts, "bundled_voice_path", lambda: None)
    (tmp_path / "en_US-ryan-high.onnx").write_bytes(b"")
    service = PiperTTSService(download_dir=tmp_path,
                              settings=PiperTTSService.Settings(voice="en_US-ryan-high"))
    assert service._voice_source == str(tmp_path / "en_US-ryan-high.onnx")
    service = PiperTTSService(settings=PiperTTSService.Settings(voice=str(tmp_path / "en_US-ryan-high.onnx")))
    assert service._voice_source == str(tmp_path / "en_US-ryan-high.onnx")


def test_deprecated_voice_id_warns_and_applies(tmp_path):
    with pytest.warns(DeprecationWarning, match="Settings"):
        service = PiperHttpTTSService(base_url="http://127.0.0.1:9", voice_id="en_US-ryan-high")
    assert service.settings.voice == "en_US-ryan-high"


# -- local voice (real model) ----------------------------------------------------------------------


@needs_voice
@pytest.mark.slow
@pytest.mark.parametrize("out_rate", [24000, 22050, 16000])
async def test_local_voice_speaks_in_documented_order_at_the_pipeline_rate(out_rate):
    service = PiperTTSService()
    result = await drive(service, [TTSSpeakFrame(text=TEXT)], timeout=60,
                         params=PipelineParams(audio_out_sample_rate=out_rate))
    order = kinds(result.downstream, TTSStartedFrame, TTSAudioRawFrame, TTSTextFrame, TTSStoppedFrame)
    assert order[0] is TTSStartedFrame and order[-2:] == [TTSTextFrame, TTSStoppedFrame]
    assert set(order[1:-2]) == {TTSAudioRawFrame}
    samples, rates = audio_of(result.downstream)
    assert rates == {out_rate}
    seconds = samples.size / out_rate
    assert 1.2 < seconds < 3.5, seconds  # "hello world, this is a test" is ~2 s
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 500, "the audio is (nearly) silent"
    assert not [f for f in result.upstream if isinstance(f, ErrorFrame)]


# -- HTTP server (emulated) ---------------------------------------------------------------------


@pytest.fixture
async def server():
    async with PiperHTTPEmulator() as emu:
        yield emu


async def test_http_posts_text_and_voice_and_resamples_the_wav(server):
    service = PiperHttpTTSService(base_url=server.url,
                                  settings=PiperHttpTTSService.Settings(voice="en_US-ryan-high"))
    result = await drive(service, [TTSSpeakFrame(text=TEXT)], timeout=10)
    request = server.received[0]
    assert (request.method, request.path) == ("POST", "/")
    assert json.loads(request.body) == {"text": TEXT, "voice": "en_US-ryan-high"}
    samples, rates = audio_of(result.downstream)
    assert rates == {24000}
    assert abs(samples.size / 24000 - 0.06 * len(TEXT)) < 0.01  # the emulator's 22050 Hz tone, resampled
    assert kinds(result.downstream, TTSStartedFrame, TTSStoppedFrame) == [TTSStartedFrame, TTSStoppedFrame]


async def test_http_without_voice_leaves_it_to_the_server(server):
    await drive(PiperHttpTTSService(base_url=server.url), [TTSSpeakFrame(text="Hi there.")], timeout=10)
    assert json.loads(server.received[0].body) == {"text": "Hi there."}


async def test_http_keeps_the_server_rate_when_the_pipeline_matches(server):
    result = await drive(PiperHttpTTSService(base_url=server.url), [TTSSpeakFrame(text=TEXT)],
                         timeout=10, params=PipelineParams(audio_out_sample_rate=SAMPLE_RATE))
    samples, rates = audio_of(result.downstream)
    assert rates == {SAMPLE_RATE} and samples.size == int(0.06 * len(TEXT) * SAMPLE_RATE)


async def test_http_falls_back_to_synthesize_on_piper_tts_1_8_servers():
    async with PiperHTTPEmulator(routes="synthesize") as emu:
        service = PiperHttpTTSService(base_url=emu.url)
        result = await drive(service, [TTSSpeakFrame(text="One."), TTSSpeakFrame(text="Two.")], timeout=10)
    assert [r.path for r in emu.received] == ["/", "/synthesize", "/synthesize"]
    assert len(kinds(result.downstream, TTSStoppedFrame)) == 2
    assert not [f for f in result.upstream if isinstance(f, ErrorFrame)]


@pytest.mark.parametrize(("fault", "words"), [
    (Fault.error(500, "voice not loaded"), ["HTTP 500", "voice not loaded"]),
    (Fault.malformed(), ["malformed", "not a WAV"]),
    (Fault.stall(), ["no complete answer", "request_timeout_secs"]),
])
async def test_http_faults_become_clear_error_frames_and_the_next_request_works(server, fault, words):
    server.inject(fault)
    service = PiperHttpTTSService(base_url=server.url, request_timeout_secs=0.5)
    result = await drive(service, [TTSSpeakFrame(text="First."), TTSSpeakFrame(text="Second.")], timeout=10)
    errors = [f for f in result.upstream if isinstance(f, ErrorFrame)]
    assert len(errors) == 1 and not errors[0].fatal
    for word in words:
        assert word in errors[0].error, errors[0].error
    assert audio_of(result.downstream)[0].size > 0  # the second sentence was spoken
    for task in server.owned_tasks():  # release a stalled handler (see voxpipe_piper.plugin)
        task.cancel()


async def test_http_uses_but_never_closes_a_given_session(server):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        service = PiperHttpTTSService(base_url=server.url, aiohttp_session=session)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            await drive(service, [TTSSpeakFrame(text="Hi.")], timeout=10)
        assert not session.closed


def test_local_conformance_case_skips_with_the_install_hint_without_the_voice(monkeypatch):
    from voxpipe_conformance.runner import SKIP, run_test

    from voxpipe_piper.plugin import voxpipe_conformance_cases

    monkeypatch.setattr(piper_tts, "bundled_voice_path", lambda: None)
    (case,) = [c for c in voxpipe_conformance_cases() if c.service_id == "piper_tts"]
    outcome = run_test(case, "test_end_frame_without_input")
    assert outcome.status == SKIP and "voxpipe-piper[voice]" in outcome.reason
