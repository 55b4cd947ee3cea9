"""Transcription helpers: languages."""
