"""``python -m voxpipe.cli``: same as the ``voxpipe`` command."""

from voxpipe.cli.main import main

raise SystemExit(main())
