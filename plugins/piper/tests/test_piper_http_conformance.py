"""The TTS conformance contract against PiperHttpTTSService and the emulated Piper server."""

from voxpipe_conformance import bind_all

from voxpipe_piper.plugin import voxpipe_conformance_cases

globals().update(bind_all([c for c in voxpipe_conformance_cases() if c.service_id == "piper_http_tts"]))
