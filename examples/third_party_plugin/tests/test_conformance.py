"""The conformance suite against this plugin's case, from pytest."""

from voxpipe_conformance import bind_all
from voxpipe_shout.plugin import voxpipe_conformance_cases

globals().update(bind_all(voxpipe_conformance_cases()))
