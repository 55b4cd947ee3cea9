"""The voxpipe development runner (distribution ``voxpipe-runner``).

``voxpipe run bot.py`` (or ``python bot.py`` ending with
``from voxpipe.runner.run import main; main()``) finds the bot's ``bot()``
coroutine and serves it:

* :mod:`voxpipe.runner.run` — ``main()``: flags, bot discovery, the web server;
* :mod:`voxpipe.runner.types` — ``RunnerArguments`` and its per-transport subclasses;
* :mod:`voxpipe.runner.utils` — ``create_transport(runner_args, transport_params)``;
* :mod:`voxpipe.runner.file_transport` — ``FileTransport``: a WAV plays the user,
  another records the bot (``-t file``).

Importing this package imports nothing heavy; FastAPI loads with the server.
"""
