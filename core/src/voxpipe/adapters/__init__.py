"""LLM adapters: the universal tool schemas and their provider translations.

Namespace open to plugins: a provider distribution may add its adapter module
here (``voxpipe.adapters.services.<provider>_adapter``).
"""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
