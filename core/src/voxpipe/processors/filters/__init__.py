"""Frame filters: processors that decide which frames travel on.

* :class:`FrameFilter` — pass frames of given types;
* :class:`FunctionFilter` — pass frames an async predicate accepts;
* :class:`IdentityFilter` — pass everything;
* :class:`NullFilter` — pass nothing but system and end frames.

Every filter except :class:`IdentityFilter` always passes ``SystemFrame`` and
the end frames so the pipeline can start and finish behind it.
"""

from voxpipe.processors.filters.frame_filter import FrameFilter
from voxpipe.processors.filters.function_filter import FunctionFilter
from voxpipe.processors.filters.identity_filter import IdentityFilter
from voxpipe.processors.filters.null_filter import NullFilter

__all__ = ["FrameFilter", "FunctionFilter", "IdentityFilter", "NullFilter"]
