"""voxpipe-runner: the distribution behind ``voxpipe.runner`` and ``voxpipe run``.

This package holds only the plugin hooks (:mod:`voxpipe_runner.plugin`); the
runner lives at its documented path, ``voxpipe.runner``.
"""

__version__ = "0.1.0"
