"""The VAD conformance contract against voxpipe-silero's own cases (8 and 16 kHz)."""

from voxpipe_conformance import bind_all

from voxpipe_silero.plugin import voxpipe_conformance_cases

globals().update(bind_all(voxpipe_conformance_cases()))
