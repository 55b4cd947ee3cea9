"""The conformance suite's transport and serializer contracts, for every service of this plugin."""

from voxpipe_conformance import bind_all

from voxpipe_websocket.plugin import voxpipe_conformance_cases

globals().update(bind_all(voxpipe_conformance_cases()))
