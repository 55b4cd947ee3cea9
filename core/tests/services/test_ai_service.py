"""AIService: lifecycle hooks, settings deltas (targeted, first match, pass-through), deprecations."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pytest

from voxpipe.frames.frames import (
    ServiceUpdateSettingsFrame,
    STTUpdateSettingsFrame,
    TextFrame,
    TTSUpdateSettingsFrame,
)
from voxpipe.pipeline.pipeline import Pipeline
from voxpipe.services.ai_service import AIService
from voxpipe.services.settings import NOT_GIVEN, TTSSettings
from voxpipe.testing import drive

pytestmark = pytest.mark.timeout(10)


@dataclass
class FakeSettings(TTSSettings):
    speed: float | None = NOT_GIVEN  # type: ignore[assignment]


class FakeService(AIService):
    Settings = FakeSettings
    settings_frame_type = TTSUpdateSettingsFrame

    def __init__(self, **kwargs):
        super().__init__(defaults=FakeSettings(model="m1", voice="v1"), **kwargs)
        self.events: list[str] = []
        self.changes: list[set[str]] = []

    async def start(self, frame):
        await super().start(frame)
        self.events.append("start")

    async def stop(self, frame):
        await super().stop(frame)
        self.events.append("stop")

    async def _update_settings(self, delta):
        changed = await super()._update_settings(delta)
        self.changes.append(changed)
        return changed

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if self.consumes_settings_frame(frame):
            return
        await self.push_frame(frame, direction)


def test_settings_start_from_defaults_and_user_delta():
    svc = FakeService(settings=FakeService.Settings(voice="v2"))
    assert svc.settings.model == "m1" and svc.settings.voice == "v2"
    assert svc.settings.speed is NOT_GIVEN
    assert svc.model_name == "m1"


def test_deprecated_params_and_dict_settings_warn_and_apply():
    @dataclass
    class InputParams:
        speed: float | None = None
        language: str | None = None

    with pytest.warns(DeprecationWarning, match="params"):
        svc = FakeService(params=InputParams(speed=1.5))
    assert svc.settings.speed == 1.5 and svc.settings.language is NOT_GIVEN
    with pytest.warns(DeprecationWarning, match="Settings"):
        svc = FakeService(settings={"voice": "v9", "style": "calm"})
    assert svc.settings.voice == "v9" and svc.settings.extra == {"style": "calm"}


def test_typed_settings_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FakeService(settings=FakeSettings(speed=1.0))


async def test_lifecycle_hooks_run():
    svc = FakeService()
    await drive(svc, [TextFrame("x")])
    assert svc.events == ["start", "stop"]


async def test_untargeted_update_stops_at_first_matching_service():
    first, second = FakeService(), FakeService()
    out = await drive(Pipeline([first, second]), [TTSUpdateSettingsFrame(delta=FakeSettings(voice="new"))])
    assert first.settings.voice == "new" and second.settings.voice == "v1"
    assert first.changes == [{"voice"}] and second.changes == []
    assert not any(isinstance(f, ServiceUpdateSettingsFrame) for f in out.downstream)


async def test_targeted_update_skips_other_services():
    first, second = FakeService(), FakeService()
    frame = TTSUpdateSettingsFrame(delta=FakeSettings(model="m2", speed=2.0), service=second)
    out = await drive(Pipeline([first, second]), [frame])
    assert first.settings.model == "m1" and first.changes == []
    assert second.settings.model == "m2" and second.settings.speed == 2.0
    assert second.model_name == "m2"
    assert second.changes == [{"model", "speed"}]
    assert out.downstream == []


async def test_other_kind_of_update_passes_through():
    svc = FakeService()
    out = await drive(svc, [STTUpdateSettingsFrame(language="fr")])
    assert svc.changes == [] and isinstance(out.downstream[0], STTUpdateSettingsFrame)


async def test_dict_update_and_unchanged_values():
    svc = FakeService()
    await drive(svc, [TTSUpdateSettingsFrame(settings={"voice": "v1", "pitch": 3})])
    assert svc.changes == [{"pitch"}] and svc.settings.extra["pitch"] == 3


async def test_bad_delta_is_reported_not_fatal():
    from voxpipe.services.settings import LLMSettings

    svc = FakeService()
    out = await drive(svc, [TTSUpdateSettingsFrame(delta=LLMSettings(temperature=0.1)), TextFrame("after")])
    errors = [f for f in out.upstream if f.name.startswith("ErrorFrame")]
    assert errors and "Settings" in errors[0].error and not errors[0].fatal
    assert [f.text for f in out.downstream if isinstance(f, TextFrame)] == ["after"]
