"""Namespace open to plugins: their distributions add modules here."""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
