"""A test harness for processor authors: drive a processor or pipeline, get back what came out.

::

    from voxpipe.testing import drive

    result = await drive(MyProcessor(), [TextFrame("hi")])
    assert [type(f) for f in result.downstream] == [TextFrame]

See :func:`drive` and :class:`DriveResult`. ``voxpipe.tests.utils.run_test`` is
the Pipecat-compatible wrapper around it.
"""

from voxpipe.testing.harness import CaptureProcessor, DriveResult, SleepFrame, drive

__all__ = ["CaptureProcessor", "DriveResult", "SleepFrame", "drive"]
