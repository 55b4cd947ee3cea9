"""voxpipe-soundfile: the plugin module lives in :mod:`voxpipe_soundfile.plugin`."""
