"""The ``voxpipe`` command line tool.

Built-in subcommands live here (``plugins``); plugins add more through the
``voxpipe_cli_commands`` hook. The entry point is :func:`voxpipe.cli.main.main`.
This package imports nothing at import time so ``voxpipe --help`` stays fast.
"""
