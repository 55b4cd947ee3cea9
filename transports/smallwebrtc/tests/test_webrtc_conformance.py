"""The transport conformance contract against voxpipe-webrtc's case (a loopback aiortc peer)."""

from voxpipe_conformance import bind_all

from voxpipe_webrtc.plugin import voxpipe_conformance_cases

globals().update(bind_all(voxpipe_conformance_cases()))
