"""The TTS conformance contract against voxpipe-piper's cases (emulated HTTP server; local voice)."""

import pytest

from voxpipe_conformance import bind_all

from voxpipe.services.piper.tts import bundled_voice_path

from voxpipe_piper.plugin import voxpipe_conformance_cases

for _case in voxpipe_conformance_cases():
    _bound = bind_all([_case])
    if "local model" in _case.display_name:
        if bundled_voice_path() is None:
            continue
        for _cls in _bound.values():  # real inference: seconds per test on a busy 2-core machine
            _cls.pytestmark = [pytest.mark.slow]
    globals().update(_bound)
